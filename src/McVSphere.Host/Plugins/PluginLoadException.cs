namespace McVSphere.Host.Plugins;

/// <summary>A plugin failed a load-time check; the message is the one-line reason shown to the operator.</summary>
internal sealed class PluginLoadException(string reason) : Exception(reason);
