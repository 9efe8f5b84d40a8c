using McVSphere.Sdk.Errors;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Vim;

namespace McVSphere.Sdk.Session;

/// <summary>The cluster or standalone host a VM goes to, with what a placement call needs of it.</summary>
/// <param name="ComputeResource">The cluster or standalone host.</param>
/// <param name="DrsEnabled">True for a cluster whose <c>configurationEx.drsConfig.enabled</c> is true: vCenter chooses the host.</param>
/// <param name="RootPool">Its root resource pool.</param>
/// <param name="VmFolder">The VM folder of its datacenter.</param>
public sealed record PlacementTarget(InventoryObject ComputeResource, bool DrsEnabled, ManagedObjectReference RootPool, ManagedObjectReference VmFolder)
{
    /// <summary>Its name, for messages.</summary>
    public string Name => ComputeResource.Name;
}

/// <summary>
/// The one rule for where a VM is created, copied or moved to, shared by every tool that does it (create_vm, clone_vm,
/// deploy_from_template, convert_to_vm, deploy_ovf, migrate_vm, storage_vmotion...):
/// <list type="bullet">
/// <item>the compute resource: the pool's owner; for a new VM the configured cluster (VCENTER_CLUSTER), else the cluster or
/// host of the caller's <c>host_name</c>, else the first cluster, else the first standalone host (of VCENTER_DATACENTER if set);</item>
/// <item>the host: in a cluster with DRS none (vCenter chooses) unless the caller names one; in a cluster without DRS, or a
/// standalone host, a usable host is always passed, since vCenter refuses a pool of a cluster without DRS and no host
/// (<c>InvalidArgument</c>). Usable: in that compute resource, connected, not in maintenance mode, mounting every datastore
/// the VM's files go to and reaching every network its adapters use. The caller's host is checked by the same rule and
/// refused with the usable hosts listed; otherwise the VM's current host when usable, else the usable host with the most
/// free memory (then by name).</item>
/// </list>
/// Everything is read in one bulk read (<see cref="ReadAsync"/>): hosts, compute resources, pools, datastores, networks
/// and datacenters with the few fields the rule needs; lookups by name then resolve in memory.
/// </summary>
public sealed class VmPlacement
{
    /// <summary>The tool parameter that names the host a VM goes to.</summary>
    public const string HostNameArgument = HostSelection.HostNameArgument;

    private const string PreferredNetwork = "VM Network";
    private const long BytesPerMb = 1024 * 1024;

    private readonly VSphereDefaults _defaults;

    private VmPlacement(InventorySnapshot inventory, VSphereDefaults defaults)
    {
        Inventory = inventory;
        _defaults = defaults;
    }

    /// <summary>The placement inventory, read once.</summary>
    public InventorySnapshot Inventory { get; }

    /// <summary>Reads what placement needs in one bulk read.</summary>
    public static async Task<VmPlacement> ReadAsync(IVSphereSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var inventory = await InventorySnapshot.ReadAsync(session.Client,
        [
            new PropertySpec
            {
                Type = "HostSystem",
                PathSet = ["runtime.connectionState", "runtime.inMaintenanceMode", "datastore", "network",
                    "summary.hardware.memorySize", "summary.quickStats.overallMemoryUsage"],
            },
            new PropertySpec { Type = "ComputeResource", PathSet = ["resourcePool", "host", "datastore", "network"] },
            // The whole configurationEx: drsConfig is a member of ClusterConfigInfoEx, not of the declared ComputeResourceConfigInfo.
            new PropertySpec { Type = "ClusterComputeResource", PathSet = ["configurationEx"] },
            new PropertySpec { Type = "ResourcePool", PathSet = ["owner"] },
            new PropertySpec { Type = "Datacenter", PathSet = ["vmFolder"] },
            new PropertySpec { Type = "Datastore", PathSet = ["summary.accessible", "summary.freeSpace", "summary.maintenanceMode"] },
            new PropertySpec { Type = "Network", PathSet = [] },
            new PropertySpec { Type = "DistributedVirtualPortgroup", PathSet = ["config.uplink"] },
        ], cancellationToken).ConfigureAwait(false);
        return new VmPlacement(inventory, session.Defaults);
    }

    /// <summary>
    /// Where a new VM goes: the configured cluster (VCENTER_CLUSTER), else the cluster or standalone host of
    /// <paramref name="hostName"/>, else the first cluster, else the first standalone host (of the configured datacenter, if any).
    /// </summary>
    public PlacementTarget ForNewVm(string? hostName)
    {
        if (_defaults.Cluster is { } cluster)
        {
            return TargetOf(Inventory.Find(VSphereObjectKind.Cluster, cluster).Ref);
        }
        if (!string.IsNullOrWhiteSpace(hostName))
        {
            return TargetOf(Inventory.ParentOf(Inventory.Find(VSphereObjectKind.Host, hostName.Trim()).Ref)
                ?? throw new VSphereException($"The host '{hostName}' belongs to no cluster or standalone host."));
        }
        var datacenter = _defaults.Datacenter is { } name ? Inventory.Find(VSphereObjectKind.Datacenter, name).Ref : null;
        var resource = ComputeResources()
            .Where(resource => datacenter is null || Inventory.IsWithin(resource.Ref, datacenter))
            .OrderBy(resource => resource.Ref.Type == "ClusterComputeResource" ? 0 : 1)
            .ThenBy(resource => resource.GetString("name"), StringComparer.Ordinal)
            .FirstOrDefault()
            ?? throw ToolException.NotSupported("There is no cluster or host to place the VM on.");
        return TargetOf(resource.Ref);
    }

    /// <summary>
    /// Where a VM deployed onto <paramref name="datastore"/> goes: the configured cluster, else the cluster or host of
    /// <paramref name="hostName"/>, else the first compute resource (clusters first, by name) with a usable host that mounts it.
    /// </summary>
    public PlacementTarget ForDatastore(InventoryObject datastore, string? hostName)
    {
        ArgumentNullException.ThrowIfNull(datastore);
        if (_defaults.Cluster is not null || !string.IsNullOrWhiteSpace(hostName))
        {
            return ForNewVm(hostName);
        }
        var resource = ComputeResources()
            .Where(resource => Hosts(resource.Ref).Any(host => WhyNot(host, [datastore.Ref], []) is null))
            .OrderBy(resource => resource.Ref.Type == "ClusterComputeResource" ? 0 : 1)
            .ThenBy(resource => resource.GetString("name"), StringComparer.Ordinal)
            .FirstOrDefault()
            ?? throw ToolException.InvalidArgument("datastore",
                $"No connected host outside maintenance mode mounts the datastore '{datastore.Name}', so no VM can be placed on it.");
        return TargetOf(resource.Ref);
    }

    /// <summary>The compute resource that owns <paramref name="pool"/>.</summary>
    public PlacementTarget ForPool(ManagedObjectReference pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        var owner = Inventory.Get(pool)?.GetReference("owner")
            ?? throw new VSphereException($"The resource pool {pool.Value} belongs to no cluster or host.");
        return TargetOf(owner);
    }

    /// <summary>The compute resource of a host.</summary>
    public PlacementTarget ForHost(ManagedObjectReference host) =>
        TargetOf(Inventory.ParentOf(host) ?? throw new VSphereException($"The host {host.Value} belongs to no cluster or standalone host."));

    /// <summary>
    /// The pool for a VM made from a VM or template: the source's own pool; for a template (which has none) the configured
    /// cluster's root pool, else the root pool of its host's cluster or standalone host.
    /// </summary>
    public ManagedObjectReference PoolForCopyOf(string sourceName, ManagedObjectReference? sourcePool, ManagedObjectReference? sourceHost)
    {
        if (sourcePool is not null)
        {
            return sourcePool;
        }
        if (_defaults.Cluster is { } cluster)
        {
            return TargetOf(Inventory.Find(VSphereObjectKind.Cluster, cluster).Ref).RootPool;
        }
        return ForHost(sourceHost ?? throw ToolException.Refused(
            $"'{sourceName}' is registered on no host, so there is no resource pool to put the new VM in; set VCENTER_CLUSTER.")).RootPool;
    }

    /// <summary>
    /// The resource pool named (or at the path) <paramref name="name"/>; a cluster's or standalone host's name stands for
    /// its root pool (whose own name, "Resources", every cluster shares).
    /// </summary>
    public ManagedObjectReference FindPool(string name, string argument)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw ToolException.InvalidArgument(argument, $"{argument} must not be blank: give a resource pool's name or path, or a cluster's name.");
        }
        try
        {
            return Inventory.Find(VSphereObjectKind.ResourcePool, name).Ref;
        }
        catch (VSphereObjectNotFoundException)
        {
            var rootPool = ComputeResources()
                .FirstOrDefault(resource => string.Equals(resource.GetString("name"), name, StringComparison.OrdinalIgnoreCase))
                ?.GetReference("resourcePool");
            if (rootPool is null)
            {
                throw;
            }
            return rootPool;
        }
    }

    /// <summary>The VM folder of the configured datacenter, else of the first datacenter.</summary>
    public ManagedObjectReference DefaultVmFolder()
    {
        var datacenters = _defaults.Datacenter is { } name
            ? [Inventory.Get(Inventory.Find(VSphereObjectKind.Datacenter, name).Ref)!]
            : Inventory.OfType("Datacenter").OrderBy(datacenter => datacenter.GetString("name"), StringComparer.Ordinal).ToArray();
        return datacenters.FirstOrDefault()?.GetReference("vmFolder")
            ?? throw ToolException.NotSupported("There is no datacenter, so there is no VM folder.");
    }

    /// <summary>A datastore by name anywhere in the inventory.</summary>
    public InventoryObject FindDatastore(string name) => Inventory.Find(VSphereObjectKind.Datastore, name);

    /// <summary>
    /// The datastore for a new VM's files among those <paramref name="target"/> reaches: <paramref name="asked"/>, else the
    /// configured one (VCENTER_DATASTORE), else the accessible one outside maintenance with the most free space.
    /// </summary>
    public InventoryObject ChooseDatastore(PlacementTarget target, string? asked, string argument)
    {
        ArgumentNullException.ThrowIfNull(target);
        var datastores = Reachable(target, "datastore").ToArray();
        if ((asked ?? _defaults.Datastore) is { } name)
        {
            return Named(VSphereObjectKind.Datastore, datastores, name, asked is null ? "VCENTER_DATASTORE" : argument, target.Name);
        }
        var usable = datastores
            .Where(datastore => datastore.GetBoolean("summary.accessible") != false && datastore.GetString("summary.maintenanceMode") is null or "normal")
            .OrderByDescending(datastore => datastore.GetInt64("summary.freeSpace") ?? 0)
            .ThenBy(datastore => datastore.GetString("name"), StringComparer.Ordinal)
            .FirstOrDefault()
            ?? throw ToolException.NotSupported($"'{target.Name}' reaches no accessible datastore to hold the VM's files.");
        return ToObject(VSphereObjectKind.Datastore, usable);
    }

    /// <summary>
    /// The network for a new VM's adapter among those <paramref name="target"/> reaches: <paramref name="asked"/>, else the
    /// configured one (VCENTER_NETWORK), else "VM Network", else the first by name.
    /// </summary>
    public InventoryObject ChooseNetwork(PlacementTarget target, string? asked, string argument)
    {
        var networks = Networks(target);
        if ((asked ?? _defaults.Network) is { } name)
        {
            return networks.FirstOrDefault(network => string.Equals(network.Name, name, StringComparison.Ordinal))
                ?? networks.SingleOrDefault(network => string.Equals(network.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw ToolException.InvalidArgument(asked is null ? "VCENTER_NETWORK" : argument,
                    $"No network named '{name}' is reachable from '{target.Name}', where the VM would run.",
                    networks.Select(network => network.Name).ToArray());
        }
        return networks.FirstOrDefault(network => network.Name == PreferredNetwork) ?? networks.FirstOrDefault()
            ?? throw ToolException.NotSupported($"'{target.Name}' reaches no network to connect the VM's adapter to.");
    }

    /// <summary>The networks <paramref name="target"/> reaches that can take VM adapters (not a distributed switch's uplinks), by name.</summary>
    public IReadOnlyList<InventoryObject> Networks(PlacementTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return Reachable(target, "network")
            .Where(network => network.GetBoolean("config.uplink") != true)
            .Select(network => ToObject(VSphereObjectKind.Network, network))
            .OrderBy(network => network.Name, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>The networks a host reaches that can take VM adapters, by name.</summary>
    public IReadOnlyList<InventoryObject> NetworksOfHost(ManagedObjectReference host) =>
        (Inventory.Get(host)?.GetReferences("network") ?? [])
            .Select(Inventory.Get)
            .OfType<ObjectContent>()
            .Where(network => network.GetBoolean("config.uplink") != true)
            .Select(network => ToObject(VSphereObjectKind.Network, network))
            .OrderBy(network => network.Name, StringComparer.Ordinal)
            .ToArray();

    /// <summary>
    /// The host to pass to vSphere for a VM going to <paramref name="target"/> with files on <paramref name="datastores"/> and
    /// adapters on <paramref name="networks"/>: null in a cluster with DRS when the caller names none (vCenter chooses),
    /// unless <paramref name="hostRequired"/> (a move that keeps the pool, where DRS does not choose); otherwise the caller's
    /// host if usable, else <paramref name="preferred"/> (the VM's current host) if usable, else the usable host with the
    /// most free memory.
    /// </summary>
    /// <param name="target">Where the VM goes.</param>
    /// <param name="datastores">Every datastore the VM's files will be on.</param>
    /// <param name="networks">Every network its adapters use.</param>
    /// <param name="hostName">The caller's host (name or path), null or blank when not given.</param>
    /// <param name="hostArgument">The tool parameter that named it, for errors.</param>
    /// <param name="preferred">A host to keep when usable (the VM's current one).</param>
    /// <param name="hostRequired">A host is needed even with DRS.</param>
    /// <exception cref="ToolException">The caller's host is not usable, or no host is (the reasons are listed).</exception>
    public InventoryObject? ChooseHost(PlacementTarget target, IReadOnlyCollection<ManagedObjectReference> datastores,
        IReadOnlyCollection<ManagedObjectReference> networks, string? hostName, string hostArgument, ManagedObjectReference? preferred = null,
        bool hostRequired = false)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(datastores);
        ArgumentNullException.ThrowIfNull(networks);
        var hosts = Hosts(target.ComputeResource.Ref).ToArray();
        var usable = hosts.Where(host => WhyNot(host, datastores, networks) is null)
            .OrderByDescending(FreeMemory)
            .ThenBy(host => host.GetString("name"), StringComparer.Ordinal)
            .Select(host => ToObject(VSphereObjectKind.Host, host))
            .ToArray();

        if (!string.IsNullOrWhiteSpace(hostName))
        {
            var named = Inventory.Find(VSphereObjectKind.Host, hostName.Trim());
            var reason = Inventory.ParentOf(named.Ref) != target.ComputeResource.Ref
                ? $"is not in {Describe(target)}, where the VM goes"
                : WhyNot(Inventory.Get(named.Ref)!, datastores, networks);
            if (reason is null)
            {
                return named;
            }
            throw ToolException.InvalidArgument(hostArgument,
                $"{hostArgument} '{named.Name}' cannot take the VM: it {reason}. " + (usable.Length == 0
                    ? $"No host of {Describe(target)} can: {Reasons(hosts, datastores, networks)}."
                    : $"Usable hosts of {Describe(target)}: {string.Join(", ", usable.Select(host => host.Name))}."),
                usable.Select(host => host.Name).ToArray());
        }
        if (target.DrsEnabled && !hostRequired)
        {
            return null;
        }
        return usable.FirstOrDefault(host => host.Ref == preferred) ?? usable.FirstOrDefault()
            ?? throw ToolException.NotSupported(
                $"No host of {Describe(target)} can take the VM{(target.DrsEnabled ? "" : " (it has no DRS, so vSphere needs a host)")}: " +
                $"{Reasons(hosts, datastores, networks)}.");
    }

    private PlacementTarget TargetOf(ManagedObjectReference computeResource)
    {
        var resource = Inventory.Get(computeResource) ?? throw new VSphereException($"The compute resource {computeResource.Value} was not read.");
        var name = resource.GetString("name") ?? computeResource.Value;
        var folder = Inventory.Get(Inventory.AncestorOf(computeResource, "Datacenter"))?.GetReference("vmFolder")
            ?? throw new VSphereException($"The compute resource '{name}' is in no datacenter with a VM folder.");
        return new PlacementTarget(
            new InventoryObject(computeResource.Type == "ClusterComputeResource" ? VSphereObjectKind.Cluster : VSphereObjectKind.Host,
                computeResource, name, Inventory.PathOf(computeResource)),
            computeResource.Type == "ClusterComputeResource" && resource.GetBoolean("configurationEx.drsConfig.enabled") == true,
            resource.GetReference("resourcePool") ?? throw new VSphereException($"The compute resource '{name}' has no resource pool."),
            folder);
    }

    private IEnumerable<ObjectContent> ComputeResources() =>
        Inventory.Objects.Where(content => content.Ref.Type is "ComputeResource" or "ClusterComputeResource");

    private IEnumerable<ObjectContent> Hosts(ManagedObjectReference computeResource) =>
        (Inventory.Get(computeResource)?.GetReferences("host") ?? []).Select(Inventory.Get).OfType<ObjectContent>();

    private IEnumerable<ObjectContent> Reachable(PlacementTarget target, string path) =>
        (Inventory.Get(target.ComputeResource.Ref)?.GetReferences(path) ?? []).Select(Inventory.Get).OfType<ObjectContent>();

    /// <summary>Why a host cannot take the VM, as "is ..." / "does not ...", or null when it can.</summary>
    private string? WhyNot(ObjectContent host, IReadOnlyCollection<ManagedObjectReference> datastores, IReadOnlyCollection<ManagedObjectReference> networks)
    {
        if (host.GetString("runtime.connectionState") is { } state and not "connected")
        {
            return $"is {state}";
        }
        if (host.GetBoolean("runtime.inMaintenanceMode") == true)
        {
            return "is in maintenance mode";
        }
        var mounted = host.GetReferences("datastore");
        if (datastores.FirstOrDefault(datastore => !mounted.Contains(datastore)) is { } unmounted)
        {
            return $"does not mount the datastore '{Inventory.NameOf(unmounted) ?? unmounted.Value}'";
        }
        var reached = host.GetReferences("network");
        return networks.FirstOrDefault(network => !reached.Contains(network)) is { } unreached
            ? $"does not reach the network '{Inventory.NameOf(unreached) ?? unreached.Value}'"
            : null;
    }

    private string Reasons(IEnumerable<ObjectContent> hosts, IReadOnlyCollection<ManagedObjectReference> datastores,
        IReadOnlyCollection<ManagedObjectReference> networks)
    {
        var reasons = hosts.OrderBy(host => host.GetString("name"), StringComparer.Ordinal)
            .Select(host => $"'{host.GetString("name")}' {WhyNot(host, datastores, networks)}")
            .ToArray();
        return reasons.Length == 0 ? "it has no host" : string.Join("; ", reasons);
    }

    private static string Describe(PlacementTarget target) =>
        target.ComputeResource.Kind == VSphereObjectKind.Cluster ? $"cluster '{target.Name}'" : $"standalone host '{target.Name}'";

    private static long FreeMemory(ObjectContent host) =>
        (host.GetInt64("summary.hardware.memorySize") ?? 0) - (host.GetInt64("summary.quickStats.overallMemoryUsage") ?? 0) * BytesPerMb;

    /// <summary>The object named <paramref name="name"/> among <paramref name="candidates"/> (exactly, else ignoring case).</summary>
    private static InventoryObject Named(VSphereObjectKind kind, IReadOnlyList<ObjectContent> candidates, string name, string argument, string where)
    {
        var match = candidates.FirstOrDefault(candidate => string.Equals(candidate.GetString("name"), name, StringComparison.Ordinal))
            ?? candidates.SingleOrDefault(candidate => string.Equals(candidate.GetString("name"), name, StringComparison.OrdinalIgnoreCase));
        return match is not null
            ? ToObject(kind, match)
            : throw ToolException.InvalidArgument(argument,
                $"No {kind.DisplayName()} named '{name}' is reachable from '{where}', where the VM would run.",
                candidates.Select(candidate => candidate.GetString("name") ?? candidate.Ref.Value).Order(StringComparer.Ordinal).ToArray());
    }

    private static InventoryObject ToObject(VSphereObjectKind kind, ObjectContent content)
    {
        var name = content.GetString("name") ?? content.Ref.Value;
        return new InventoryObject(kind, content.Ref, name, name);
    }
}
