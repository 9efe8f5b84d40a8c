using McVSphere.Sdk.Plugins;

namespace McVSphere.Plugins.HostAdmin;

/// <summary>ESXi host administration: host information, services, NTP, maintenance mode, reboot and shutdown.</summary>
public sealed class HostAdminPlugin : IMcVSpherePlugin
{
    public PluginManifest Manifest { get; } = new("HostAdmin", "ESXi host administration", "1.0.0", SdkAbi.Version);

    // The tools need nothing beyond the shared vSphere session.
    public void Register(IPluginRegistrar registrar)
    {
    }
}
