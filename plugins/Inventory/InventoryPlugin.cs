using McVSphere.Sdk.Plugins;

namespace McVSphere.Plugins.Inventory;

/// <summary>The read side of the estate: VMs, hosts, clusters, datastores, networks, pools, folders, events, tasks, alarms, tags, stats.</summary>
public sealed class InventoryPlugin : IMcVSpherePlugin
{
    public PluginManifest Manifest { get; } = new("Inventory", "Inventory (read-only)", "1.0.0", SdkAbi.Version);

    // The tools need nothing beyond the shared vSphere session.
    public void Register(IPluginRegistrar registrar)
    {
    }
}
