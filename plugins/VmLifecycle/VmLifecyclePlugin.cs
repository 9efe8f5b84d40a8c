using McVSphere.Sdk.Plugins;

namespace McVSphere.Plugins.VmLifecycle;

/// <summary>
/// The write side of a VM's life: create, clone, delete, reconfigure, power, snapshots, templates, placement,
/// devices (disks, ISO, NICs, serial ports), tags, folders, resource pools and task cancellation.
/// </summary>
public sealed class VmLifecyclePlugin : IMcVSpherePlugin
{
    public PluginManifest Manifest { get; } = new("VmLifecycle", "VM lifecycle", "1.0.0", SdkAbi.Version);

    // The tools need nothing beyond the shared vSphere session.
    public void Register(IPluginRegistrar registrar)
    {
    }
}
