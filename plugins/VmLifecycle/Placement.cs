using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.VmLifecycle;

/// <summary>Where a new VM goes: its folder and pool, the datastore for its files and the network for its adapter.</summary>
/// <param name="ComputeResource">The cluster or standalone host, by name, for messages.</param>
/// <param name="Folder">The VM folder of the compute resource's datacenter.</param>
/// <param name="Pool">The compute resource's root resource pool.</param>
/// <param name="Datastore">The datastore.</param>
/// <param name="Network">The network.</param>
internal sealed record NewVmPlacement(
    string ComputeResource,
    ManagedObjectReference Folder,
    ManagedObjectReference Pool,
    InventoryObject Datastore,
    InventoryObject Network);

/// <summary>
/// Chooses placement from the tool's arguments, then the configured defaults (<see cref="IVSphereSession.Defaults"/>),
/// then what vSphere offers: the configured cluster (else the first cluster, else the first standalone host), the
/// datastore with the most free space, and "VM Network" (else the first network) among those the compute
/// resource can reach.
/// </summary>
internal static class Placement
{
    private const string PreferredNetwork = "VM Network";

    /// <summary>
    /// Placement for a new VM: the compute resource, then one read of its pool, datastores, networks and datacenter
    /// (following <c>parent</c> up to it).
    /// </summary>
    public static async Task<NewVmPlacement> ForNewVmAsync(VSphereClient client, VSphereDefaults defaults, string? datastore, string? network,
        CancellationToken cancellationToken)
    {
        var computeResource = await DefaultComputeResourceAsync(client, defaults, cancellationToken);
        var contents = await client.Properties.RetrieveAsync(new PropertyFilterSpec
        {
            PropSet =
            [
                new PropertySpec { Type = "ComputeResource", PathSet = ["name", "resourcePool"] },
                new PropertySpec { Type = "Datastore", PathSet = ["name", "summary.freeSpace", "summary.accessible", "summary.maintenanceMode"] },
                new PropertySpec { Type = "Network", PathSet = ["name"] },
                new PropertySpec { Type = "DistributedVirtualPortgroup", PathSet = ["config.uplink"] },
                new PropertySpec { Type = "Datacenter", PathSet = ["name", "vmFolder"] },
            ],
            ObjectSet =
            [
                new ObjectSpec
                {
                    Obj = computeResource,
                    SelectSet =
                    [
                        new TraversalSpec { Type = "ComputeResource", Path = "datastore", Skip = false },
                        new TraversalSpec { Type = "ComputeResource", Path = "network", Skip = false },
                        AncestorsTraversal,
                    ],
                },
            ],
        }, cancellationToken);

        var resource = contents.Single(content => content.Ref == computeResource);
        var resourceName = resource.GetString("name") ?? computeResource.Value;
        var datacenter = contents.FirstOrDefault(content => content.Ref.Type == "Datacenter")
            ?? throw new VSphereException($"The compute resource '{resourceName}' is in no datacenter.");
        var datastores = contents.Where(content => content.Ref.Type == "Datastore").ToArray();
        // A distributed switch's uplink port group carries its physical NICs and cannot take VM adapters.
        var networks = contents
            .Where(content => (content.Ref.Type is "Network" or "DistributedVirtualPortgroup" or "OpaqueNetwork") && content.GetBoolean("config.uplink") != true)
            .ToArray();

        return new NewVmPlacement(
            resourceName,
            datacenter.GetReference("vmFolder") ?? throw new VSphereException($"The datacenter '{datacenter.GetString("name")}' has no VM folder."),
            resource.GetReference("resourcePool") ?? throw new VSphereException($"The compute resource '{resourceName}' has no resource pool."),
            ChooseDatastore(datastores, datastore, defaults.Datastore, resourceName),
            ChooseNetwork(networks, network, defaults.Network, resourceName));
    }

    /// <summary>
    /// The resource pool for a VM made from <paramref name="source"/>: the source's own pool, or for a template (which
    /// has none) the configured cluster's root pool, else the root pool of the compute resource of the template's host.
    /// </summary>
    public static async Task<ManagedObjectReference> PoolForCopyOfAsync(VSphereClient client, VSphereDefaults defaults, LocatedVm source,
        CancellationToken cancellationToken)
    {
        if (source.ResourcePool is { } pool)
        {
            return pool;
        }
        var computeResource = defaults.Cluster is { } cluster
            ? (await client.Lookup.FindAsync(VSphereObjectKind.Cluster, cluster, cancellationToken)).Ref
            : await ComputeResourceOfHostAsync(client, source, cancellationToken);
        return await RootPoolOfAsync(client, computeResource, cancellationToken);
    }

    /// <summary>
    /// The resource pool named (or at the path) <paramref name="name"/>; a cluster's or standalone host's name stands for
    /// its root pool (whose own name, "Resources", every cluster shares).
    /// </summary>
    public static async Task<ManagedObjectReference> FindPoolAsync(VSphereClient client, string name, string argument, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw ToolException.InvalidArgument(argument, $"{argument} must not be blank: give a resource pool's name or path, or a cluster's name.");
        }
        try
        {
            return (await client.Lookup.FindAsync(VSphereObjectKind.ResourcePool, name, cancellationToken)).Ref;
        }
        catch (VSphereObjectNotFoundException)
        {
            var resources = await client.Properties.RetrieveAsync("ComputeResource", ["name", "resourcePool"], cancellationToken: cancellationToken);
            var rootPool = resources.FirstOrDefault(resource => string.Equals(resource.GetString("name"), name, StringComparison.OrdinalIgnoreCase))
                ?.GetReference("resourcePool");
            if (rootPool is null)
            {
                throw;
            }
            return rootPool;
        }
    }

    /// <summary>The VM folder of the configured datacenter, else of the first datacenter.</summary>
    public static async Task<ManagedObjectReference> DefaultVmFolderAsync(VSphereClient client, VSphereDefaults defaults, CancellationToken cancellationToken)
    {
        var datacenters = defaults.Datacenter is { } name
            ? [await client.Properties.RetrieveAsync((await client.Lookup.FindAsync(VSphereObjectKind.Datacenter, name, cancellationToken)).Ref,
                ["name", "vmFolder"], cancellationToken)]
            : await client.Properties.RetrieveAsync("Datacenter", ["name", "vmFolder"], cancellationToken: cancellationToken);
        return datacenters.OrderBy(datacenter => datacenter.GetString("name"), StringComparer.Ordinal).FirstOrDefault()?.GetReference("vmFolder")
            ?? throw ToolException.NotSupported("There is no datacenter, so there is no VM folder.");
    }

    /// <summary>The root resource pool of a cluster or standalone host.</summary>
    public static async Task<ManagedObjectReference> RootPoolOfAsync(VSphereClient client, ManagedObjectReference computeResource,
        CancellationToken cancellationToken) =>
        (await client.Properties.RetrieveAsync(computeResource, ["resourcePool"], cancellationToken)).GetReference("resourcePool")
        ?? throw new VSphereException($"The compute resource {computeResource.Value} has no resource pool.");

    /// <summary>The VM folder of the datacenter that holds <paramref name="entity"/> (one read, following <c>parent</c>).</summary>
    public static async Task<ManagedObjectReference> VmFolderOfDatacenterOfAsync(VSphereClient client, ManagedObjectReference entity,
        CancellationToken cancellationToken)
    {
        var contents = await client.Properties.RetrieveAsync(new PropertyFilterSpec
        {
            PropSet = [new PropertySpec { Type = "Datacenter", PathSet = ["vmFolder"] }],
            ObjectSet = [new ObjectSpec { Obj = entity, Skip = true, SelectSet = [AncestorsTraversal] }],
        }, cancellationToken);
        return contents.FirstOrDefault(content => content.Ref.Type == "Datacenter")?.GetReference("vmFolder")
            ?? throw new VSphereException($"The object {entity} is in no datacenter.");
    }

    /// <summary>Follows <c>parent</c> from an object up to the root folder, so that a read reaches its datacenter.</summary>
    private static TraversalSpec AncestorsTraversal => new()
    {
        Name = "ancestors",
        Type = "ManagedEntity",
        Path = "parent",
        Skip = false,
        SelectSet = [new SelectionSpec { Name = "ancestors" }],
    };

    /// <summary>The configured cluster, else the first cluster, else the first standalone host (of the configured datacenter, if any).</summary>
    public static async Task<ManagedObjectReference> DefaultComputeResourceAsync(VSphereClient client, VSphereDefaults defaults,
        CancellationToken cancellationToken)
    {
        if (defaults.Cluster is { } cluster)
        {
            return (await client.Lookup.FindAsync(VSphereObjectKind.Cluster, cluster, cancellationToken)).Ref;
        }
        var container = defaults.Datacenter is { } datacenter
            ? (await client.Lookup.FindAsync(VSphereObjectKind.Datacenter, datacenter, cancellationToken)).Ref
            : null;
        var resources = await client.Properties.RetrieveAsync("ComputeResource", ["name"], container, cancellationToken);
        return resources
            .OrderBy(resource => resource.Ref.Type == "ClusterComputeResource" ? 0 : 1)
            .ThenBy(resource => resource.GetString("name"), StringComparer.Ordinal)
            .FirstOrDefault()?.Ref
            ?? throw ToolException.NotSupported("There is no cluster or host to place it on.");
    }

    private static async Task<ManagedObjectReference> ComputeResourceOfHostAsync(VSphereClient client, LocatedVm vm, CancellationToken cancellationToken)
    {
        var host = vm.Host ?? throw ToolException.Refused(
            $"'{vm.Name}' is registered on no host, so there is no resource pool to put the new VM in; set VCENTER_CLUSTER.");
        return (await client.Properties.RetrieveAsync(host, ["parent"], cancellationToken)).GetReference("parent")
            ?? throw new VSphereException($"The host of '{vm.Name}' belongs to no compute resource.");
    }

    private static InventoryObject ChooseDatastore(IReadOnlyList<ObjectContent> datastores, string? asked, string? configured, string computeResource)
    {
        if ((asked ?? configured) is { } name)
        {
            return Named(VSphereObjectKind.Datastore, datastores, name, asked is null ? "VCENTER_DATASTORE" : "datastore", computeResource);
        }
        var usable = datastores
            .Where(datastore => datastore.GetBoolean("summary.accessible") != false && datastore.GetString("summary.maintenanceMode") is null or "normal")
            .OrderByDescending(datastore => datastore.GetInt64("summary.freeSpace") ?? 0)
            .ThenBy(datastore => datastore.GetString("name"), StringComparer.Ordinal)
            .FirstOrDefault()
            ?? throw ToolException.NotSupported($"'{computeResource}' reaches no accessible datastore to hold the VM's files.");
        return ToInventoryObject(VSphereObjectKind.Datastore, usable);
    }

    private static InventoryObject ChooseNetwork(IReadOnlyList<ObjectContent> networks, string? asked, string? configured, string computeResource)
    {
        if ((asked ?? configured) is { } name)
        {
            return Named(VSphereObjectKind.Network, networks, name, asked is null ? "VCENTER_NETWORK" : "network", computeResource);
        }
        var ordered = networks.OrderBy(network => network.GetString("name"), StringComparer.Ordinal).ToArray();
        var chosen = ordered.FirstOrDefault(network => network.GetString("name") == PreferredNetwork) ?? ordered.FirstOrDefault()
            ?? throw ToolException.NotSupported($"'{computeResource}' reaches no network to connect the VM's adapter to.");
        return ToInventoryObject(VSphereObjectKind.Network, chosen);
    }

    /// <summary>The object named <paramref name="name"/> among those the compute resource reaches (exactly, else ignoring case).</summary>
    private static InventoryObject Named(VSphereObjectKind kind, IReadOnlyList<ObjectContent> candidates, string name, string argument, string computeResource)
    {
        var match = candidates.FirstOrDefault(candidate => string.Equals(candidate.GetString("name"), name, StringComparison.Ordinal))
            ?? candidates.SingleOrDefault(candidate => string.Equals(candidate.GetString("name"), name, StringComparison.OrdinalIgnoreCase));
        return match is not null
            ? ToInventoryObject(kind, match)
            : throw ToolException.InvalidArgument(argument,
                $"No {kind.DisplayName()} named '{name}' is reachable from '{computeResource}', where the VM would run.",
                candidates.Select(candidate => candidate.GetString("name") ?? candidate.Ref.Value).Order(StringComparer.Ordinal).ToArray());
    }

    private static InventoryObject ToInventoryObject(VSphereObjectKind kind, ObjectContent content)
    {
        var name = content.GetString("name") ?? content.Ref.Value;
        return new InventoryObject(kind, content.Ref, name, name);
    }
}
