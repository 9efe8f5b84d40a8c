using System.ComponentModel;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Vim;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.Inventory;

[McpServerToolType]
public sealed class NetworkTools(IVSphereSession session)
{
    private const int MaxNames = 50;

    [McpServerTool(Name = "get_network_info", UseStructuredContent = true), Description(
        "Details of one network (standard port group, distributed port group or NSX network): name, type (Network|" +
        "DistributedVirtualPortgroup|OpaqueNetwork), accessible, and for distributed port groups switch, port_binding " +
        "(earlyBinding|ephemeral), num_ports, vlan_id (a single VLAN) or vlan_trunk (ranges, e.g. '0-4094'); then host_count, hosts " +
        "(names), vm_count, vms (names, sorted; at most 50, vm_count counts them all).")]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<NetworkInfo> GetNetworkInfo(
        [Description("The network's name (or inventory path), e.g. 'VM Network'.")] string name,
        CancellationToken cancellationToken = default)
    {
        var client = session.Client;
        var network = await client.Lookup.FindAsync(VSphereObjectKind.Network, name, cancellationToken);
        string[] paths = network.Ref.Type == "DistributedVirtualPortgroup"
            ? ["summary.accessible", "host", "vm", .. NetworkSummaries.PortgroupPaths]
            : ["summary.accessible", "host", "vm"];
        var details = await client.Properties.RetrieveAsync(network.Ref, paths, cancellationToken);
        var hosts = details.GetReferences("host");
        var vms = details.GetReferences("vm");
        var names = await client.Properties.ReadNamesAsync(
            hosts.Concat(vms).Append(details.GetReference("config.distributedVirtualSwitch")), cancellationToken);
        string NameOf(ManagedObjectReference reference) => names.GetValueOrDefault(reference, reference.Value);

        var summary = NetworkSummaries.Describe(details, network.Name, NameOf);
        return new NetworkInfo(
            summary.Name, summary.Type, summary.Accessible, summary.Switch, summary.PortBinding, summary.NumPorts, summary.VlanId, summary.VlanTrunk,
            hosts.Count,
            hosts.Select(NameOf).Order(StringComparer.Ordinal).ToArray(),
            vms.Count,
            vms.Select(NameOf).Order(StringComparer.Ordinal).Take(MaxNames).ToArray());
    }
}

/// <summary>The network listing shared by get_network_info and the esxi://networks resource.</summary>
internal static class NetworkSummaries
{
    public static readonly string[] PortgroupPaths = ["config.distributedVirtualSwitch", "config.type", "config.numPorts", "config.defaultPortConfig"];

    /// <summary>Every network and port group with its switch, in one read, sorted by name.</summary>
    public static async Task<IReadOnlyList<NetworkSummary>> ListAsync(VSphereClient client, CancellationToken cancellationToken)
    {
        var snapshot = await InventorySnapshot.ReadAsync(client,
            [
                new PropertySpec { Type = "Network", PathSet = ["summary.accessible"] },
                new PropertySpec { Type = "DistributedVirtualPortgroup", PathSet = PortgroupPaths },
                new PropertySpec { Type = "DistributedVirtualSwitch", PathSet = [] },
            ], cancellationToken);
        return snapshot.List(VSphereObjectKind.Network)
            .Select(network => Describe(snapshot.Get(network.Ref)!, network.Name, reference => snapshot.NameOf(reference) ?? reference.Value))
            .SortedByName(network => network.Name);
    }

    public static NetworkSummary Describe(ObjectContent network, string name, Func<ManagedObjectReference, string> nameOf)
    {
        var vlan = network.GetObject("config.defaultPortConfig.vlan");
        var trunk = vlan?.TypeName == "VmwareDistributedVirtualSwitchTrunkVlanSpec"
            ? string.Join(",", vlan.GetArray("vlanId").OfType<VimObject>().Select(range => $"{range.GetInt32("start")}-{range.GetInt32("end")}"))
            : null;
        return new NetworkSummary(
            name,
            network.Ref.Type,
            network.GetBoolean("summary.accessible"),
            network.GetReference("config.distributedVirtualSwitch") is { } dvs ? nameOf(dvs) : null,
            network.GetString("config.type"),
            network.GetInt32("config.numPorts"),
            vlan?.TypeName == "VmwareDistributedVirtualSwitchVlanIdSpec" ? vlan.GetInt32("vlanId") : null,
            trunk);
    }
}

/// <summary>One network of esxi://networks.</summary>
public sealed record NetworkSummary(
    string Name,
    string Type,
    bool? Accessible,
    string? Switch,
    string? PortBinding,
    int? NumPorts,
    int? VlanId,
    string? VlanTrunk);

/// <summary>The result of get_network_info.</summary>
public sealed record NetworkInfo(
    string Name,
    string Type,
    bool? Accessible,
    string? Switch,
    string? PortBinding,
    int? NumPorts,
    int? VlanId,
    string? VlanTrunk,
    int HostCount,
    IReadOnlyList<string> Hosts,
    int VmCount,
    IReadOnlyList<string> Vms);
