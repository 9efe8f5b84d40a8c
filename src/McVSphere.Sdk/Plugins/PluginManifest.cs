namespace McVSphere.Sdk.Plugins;

/// <summary>Who a plugin is and which Sdk contract it was built for.</summary>
/// <param name="Id">Stable identifier, also the name by which <c>MCVSPHERE_PLUGINS</c> enables it (e.g. <c>Inventory</c>).</param>
/// <param name="DisplayName">Human-readable name shown by <c>--list-plugins</c>.</param>
/// <param name="Version">The plugin's own version.</param>
/// <param name="SdkAbiVersion">The <see cref="SdkAbi.Version"/> the plugin was compiled against.</param>
public sealed record PluginManifest(string Id, string DisplayName, string Version, int SdkAbiVersion);
