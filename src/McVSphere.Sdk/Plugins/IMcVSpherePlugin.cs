namespace McVSphere.Sdk.Plugins;

/// <summary>
/// The one class of a plugin assembly that the host instantiates: it names the plugin and adds the services
/// its tools need. Tools and resources themselves are plain MCP SDK classes marked with
/// <see cref="ModelContextProtocol.Server.McpServerToolTypeAttribute"/> or
/// <see cref="ModelContextProtocol.Server.McpServerResourceTypeAttribute"/>; the host finds them in the assembly.
/// </summary>
public interface IMcVSpherePlugin
{
    /// <summary>The plugin's identity and target ABI.</summary>
    PluginManifest Manifest { get; }

    /// <summary>Adds the plugin's own services. Called once, before the host builds its service provider.</summary>
    void Register(IPluginRegistrar registrar);
}
