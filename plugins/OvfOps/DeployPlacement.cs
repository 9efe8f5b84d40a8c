using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Session;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.OvfOps;

/// <summary>
/// Where a deployed VM goes, by the Sdk's placement rule (<see cref="VmPlacement"/>): the compute resource (the configured
/// cluster, else host_name's, else the first with a usable host that mounts the datastore), its root pool, its datacenter's
/// VM folder, and the networks the OVF's networks can map to (those of the named host, else of the compute resource).
/// </summary>
internal sealed class DeployPlacement
{
    private readonly VmPlacement _placement;
    private readonly string? _hostName;
    private readonly string _where;

    private DeployPlacement(VmPlacement placement, PlacementTarget target, InventoryObject datastore, string? hostName)
    {
        _placement = placement;
        _hostName = string.IsNullOrWhiteSpace(hostName) ? null : hostName.Trim();
        Target = target;
        Datastore = datastore;
        var named = _hostName is null ? null : placement.Inventory.Find(VSphereObjectKind.Host, _hostName);
        Networks = named is null ? placement.Networks(target) : placement.NetworksOfHost(named.Ref);
        _where = named is null ? $"'{target.Name}'" : $"host '{named.Name}'";
    }

    /// <summary>The cluster or standalone host, its root pool and VM folder.</summary>
    public PlacementTarget Target { get; }

    /// <summary>The datastore of the VM's files.</summary>
    public InventoryObject Datastore { get; }

    /// <summary>The networks the VM's adapters can use, by name.</summary>
    public IReadOnlyList<InventoryObject> Networks { get; }

    /// <summary>
    /// Reads the placement inventory and the VM names together, refuses a VM name that a VM or template already has (vCenter
    /// refuses duplicates only within a folder; a second VM of the same name makes every later lookup by name ambiguous) and
    /// an inaccessible datastore, and chooses the compute resource.
    /// </summary>
    public static async Task<DeployPlacement> ChooseAsync(IVSphereSession session, string datastoreName, string vmName, string? hostName,
        CancellationToken cancellationToken)
    {
        var reading = VmPlacement.ReadAsync(session, cancellationToken);
        var listing = session.Client.Lookup.ListAsync(VSphereObjectKind.VirtualMachine, cancellationToken);
        await Task.WhenAll(reading, listing);
        if ((await listing).FirstOrDefault(vm => string.Equals(vm.Name, vmName, StringComparison.Ordinal)) is { } existing)
        {
            throw ToolException.InvalidArgument("vm_name", $"A VM or template named '{vmName}' already exists ('{existing.Path}'). Choose another vm_name.");
        }
        var placement = await reading;
        var datastore = placement.FindDatastore(datastoreName);
        if (placement.Inventory.Get(datastore.Ref)?.GetBoolean("summary.accessible") == false)
        {
            throw ToolException.Refused($"The datastore '{datastore.Name}' is not accessible now; choose another datastore.", "datastore");
        }
        return new DeployPlacement(placement, placement.ForDatastore(datastore, hostName), datastore, hostName);
    }

    /// <summary>
    /// The host to deploy on, by the placement rule: one that mounts the datastore and reaches every mapped network (none in a
    /// cluster with DRS unless host_name names one).
    /// </summary>
    public InventoryObject? ChooseHost(IReadOnlyList<OvfNetworkMapping> mappings) =>
        _placement.ChooseHost(Target, [Datastore.Ref], mappings.Select(mapping => mapping.Network).Distinct().ToArray(), _hostName,
            VmPlacement.HostNameArgument);

    /// <summary>
    /// Maps each network of the OVF to a network the VM can reach: <paramref name="networkMap"/> first (OVF network →
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
                    $"The OVF's network '{ovfNetwork.Name}' has no network of that name on {_where}: pass network (for every OVF network) " +
                    "or network_map (OVF network → network) with one of its networks.", NetworkNames());
            return new OvfNetworkMapping(ovfNetwork.Name, target.Ref);
        }).ToArray();
    }

    private InventoryObject Reachable(string name, string argument) =>
        Networks.FirstOrDefault(candidate => string.Equals(candidate.Name, name, StringComparison.Ordinal))
        ?? Networks.SingleOrDefault(candidate => string.Equals(candidate.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw ToolException.InvalidArgument(argument,
            $"No network named '{name}' is reachable from {_where}, where the VM would run.",
            ClosestNames.Find(name, NetworkNames()) is { Count: > 0 } closest ? closest : NetworkNames());

    private IReadOnlyList<string> NetworkNames() => Networks.Select(candidate => candidate.Name).Order(StringComparer.Ordinal).ToArray();
}
