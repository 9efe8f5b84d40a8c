using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.OvfOps;

/// <summary>Where a deployed VM goes: a host that mounts the datastore, its pool, its datacenter's VM folder, the networks it reaches.</summary>
/// <param name="Datastore">The datastore of the VM's files.</param>
/// <param name="Host">The host it is registered on.</param>
/// <param name="Pool">The root resource pool of the host's cluster or standalone host.</param>
/// <param name="Folder">The VM folder of the datacenter.</param>
/// <param name="Networks">The networks the host reaches, by name.</param>
internal sealed record DeployPlacement(
    InventoryObject Datastore,
    InventoryObject Host,
    ManagedObjectReference Pool,
    ManagedObjectReference Folder,
    IReadOnlyList<InventoryObject> Networks)
{
    /// <summary>
    /// Chooses the placement in one read of the inventory: among the connected hosts that mount the datastore and are not
    /// in maintenance, those of the configured cluster (VCENTER_CLUSTER) if set, by name. Also refuses a VM name that a
    /// VM or template already has (vCenter refuses duplicates only within a folder; a second VM of the same name makes
    /// every later lookup by name ambiguous).
    /// </summary>
    public static async Task<DeployPlacement> ChooseAsync(VSphereClient client, VSphereDefaults defaults, string datastoreName, string vmName,
        CancellationToken cancellationToken)
    {
        var inventory = await InventorySnapshot.ReadAsync(client,
        [
            new PropertySpec { Type = "Datastore", PathSet = ["summary.accessible"] },
            new PropertySpec { Type = "HostSystem", PathSet = ["datastore", "network", "runtime.connectionState", "runtime.inMaintenanceMode"] },
            new PropertySpec { Type = "ComputeResource", PathSet = ["resourcePool"] },
            new PropertySpec { Type = "Datacenter", PathSet = ["vmFolder"] },
            new PropertySpec { Type = "Network", PathSet = [] },
            new PropertySpec { Type = "VirtualMachine", PathSet = [] },
        ], cancellationToken);

        if (inventory.List(VSphereObjectKind.VirtualMachine).FirstOrDefault(vm => string.Equals(vm.Name, vmName, StringComparison.Ordinal)) is { } existing)
        {
            throw ToolException.InvalidArgument("vm_name", $"A VM or template named '{vmName}' already exists ('{existing.Path}'). Choose another vm_name.");
        }
        var datastore = inventory.Find(VSphereObjectKind.Datastore, datastoreName);
        if (inventory.Get(datastore.Ref)?.GetBoolean("summary.accessible") == false)
        {
            throw ToolException.Refused($"The datastore '{datastore.Name}' is not accessible now; choose another datastore.", "datastore");
        }
        var cluster = defaults.Cluster is { } clusterName ? inventory.Find(VSphereObjectKind.Cluster, clusterName).Ref : null;
        var host = inventory.OfType("HostSystem")
            .Where(candidate => candidate.GetReferences("datastore").Contains(datastore.Ref)
                && candidate.GetString("runtime.connectionState") == "connected"
                && candidate.GetBoolean("runtime.inMaintenanceMode") != true
                && (cluster is null || inventory.ParentOf(candidate.Ref) == cluster))
            .OrderBy(candidate => candidate.GetString("name"), StringComparer.Ordinal)
            .FirstOrDefault()
            ?? throw ToolException.InvalidArgument("datastore",
                $"No connected host outside maintenance mode{(cluster is null ? "" : $" in cluster '{defaults.Cluster}' (VCENTER_CLUSTER)")} " +
                $"mounts the datastore '{datastore.Name}', so no VM can be deployed on it.");

        var computeResource = inventory.ParentOf(host.Ref);
        var pool = inventory.Get(computeResource)?.GetReference("resourcePool")
            ?? throw new VSphereException($"The host '{host.GetString("name")}' belongs to no compute resource with a resource pool.");
        var folder = inventory.Get(inventory.AncestorOf(host.Ref, "Datacenter"))?.GetReference("vmFolder")
            ?? throw new VSphereException($"The host '{host.GetString("name")}' is in no datacenter with a VM folder.");
        var networks = host.GetReferences("network")
            .Select(network => new InventoryObject(VSphereObjectKind.Network, network, inventory.NameOf(network) ?? network.Value, inventory.PathOf(network)))
            .ToArray();
        var hostObject = new InventoryObject(VSphereObjectKind.Host, host.Ref, host.GetString("name") ?? host.Ref.Value, inventory.PathOf(host.Ref));
        return new DeployPlacement(datastore, hostObject, pool, folder, networks);
    }

    /// <summary>
    /// Maps each network of the OVF to a network the host reaches: <paramref name="networkMap"/> first (OVF network →
    /// network), then <paramref name="network"/> for all others, then the configured VCENTER_NETWORK, then the network
    /// of the OVF's own name. A network that cannot be mapped is an error listing the networks there are.
    /// </summary>
    public IReadOnlyList<OvfNetworkMapping> MapNetworks(OvfDescriptor descriptor, string? network, IReadOnlyDictionary<string, string>? networkMap,
        string? defaultNetwork)
    {
        var ovfNames = descriptor.Networks.Select(ovfNetwork => ovfNetwork.Name).ToArray();
        foreach (var ovfName in (networkMap ?? new Dictionary<string, string>()).Keys.Where(name => !ovfNames.Contains(name, StringComparer.Ordinal)))
        {
            throw ToolException.InvalidArgument("network_map",
                $"network_map names '{ovfName}', which is not a network of the OVF. The OVF's networks are the keys to map.", ovfNames);
        }
        var all = network is not null ? Reachable(network, "network") : null;
        return descriptor.Networks.Select(ovfNetwork =>
        {
            var target = networkMap?.GetValueOrDefault(ovfNetwork.Name) is { } mapped
                ? Reachable(mapped, "network_map")
                : all
                ?? (defaultNetwork is not null ? Reachable(defaultNetwork, "network") : null)
                ?? Networks.FirstOrDefault(candidate => string.Equals(candidate.Name, ovfNetwork.Name, StringComparison.Ordinal))
                ?? throw ToolException.InvalidArgument("network",
                    $"The OVF's network '{ovfNetwork.Name}' has no network of that name on host '{Host.Name}': pass network (for every OVF network) " +
                    "or network_map (OVF network → network) with one of the host's networks.", NetworkNames());
            return new OvfNetworkMapping(ovfNetwork.Name, target.Ref);
        }).ToArray();
    }

    private InventoryObject Reachable(string name, string argument) =>
        Networks.FirstOrDefault(candidate => string.Equals(candidate.Name, name, StringComparison.Ordinal))
        ?? Networks.SingleOrDefault(candidate => string.Equals(candidate.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw ToolException.InvalidArgument(argument,
            $"No network named '{name}' is reachable from host '{Host.Name}', where the VM would run.",
            ClosestNames.Find(name, NetworkNames()) is { Count: > 0 } closest ? closest : NetworkNames());

    private IReadOnlyList<string> NetworkNames() => Networks.Select(candidate => candidate.Name).Order(StringComparer.Ordinal).ToArray();
}
