using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.HostAdmin;

/// <summary>The result of get_host_networking, from the host's <c>config.network</c>.</summary>
/// <param name="Vswitches">Standard virtual switches (the original's name, as are <paramref name="Portgroups"/> and <paramref name="VmkernelAdapters"/>).</param>
/// <param name="Portgroups">Standard port groups.</param>
/// <param name="VmkernelAdapters">VMkernel network adapters (vmk0...).</param>
public sealed record HostNetworking(
    string Host,
    IReadOnlyList<HostVirtualSwitch> Vswitches,
    IReadOnlyList<HostProxySwitch> DistributedSwitches,
    IReadOnlyList<HostPortGroup> Portgroups,
    IReadOnlyList<HostVmkernelNic> VmkernelAdapters,
    IReadOnlyList<HostPhysicalNic> PhysicalNics,
    HostDns? Dns,
    string? DefaultGateway,
    string? Ipv6DefaultGateway,
    IReadOnlyList<HostRoute> Routes)
{
    internal static readonly IReadOnlyList<string> PropertyPaths =
    [
        "config.network.vswitch", "config.network.proxySwitch", "config.network.portgroup", "config.network.vnic",
        "config.network.pnic", "config.network.dnsConfig", "config.network.ipRouteConfig", "config.network.routeTableInfo",
    ];

    internal static HostNetworking From(InventoryObject host, ObjectContent content)
    {
        // Switches and port groups refer to each other and to physical NICs by key; show names instead.
        var pnics = Objects(content, "config.network.pnic");
        var nicNames = ByKey(pnics, nic => nic.GetString("device"));
        var portGroups = Objects(content, "config.network.portgroup");
        var portGroupNames = ByKey(portGroups, group => group.GetString("spec.name"));
        var vswitches = Objects(content, "config.network.vswitch");
        var vswitchNames = ByKey(vswitches, vswitch => vswitch.GetString("name"));
        var dns = content.GetObject("config.network.dnsConfig");

        return new HostNetworking(
            host.Name,
            vswitches.Select(vswitch => new HostVirtualSwitch(
                vswitch.GetString("name") ?? "",
                vswitch.GetInt32("numPorts"),
                vswitch.GetInt32("numPortsAvailable"),
                vswitch.GetInt32("mtu"),
                Names(vswitch.GetStrings("pnic"), nicNames),
                Names(vswitch.GetStrings("portgroup"), portGroupNames))).ToArray(),
            Objects(content, "config.network.proxySwitch").Select(proxy => new HostProxySwitch(
                proxy.GetString("dvsName") ?? "",
                proxy.GetString("dvsUuid"),
                proxy.GetInt32("mtu"),
                Names(proxy.GetStrings("pnic"), nicNames))).ToArray(),
            portGroups.Select(group => new HostPortGroup(
                group.GetString("spec.name") ?? "",
                group.GetInt32("spec.vlanId"),
                group.GetString("vswitch") is { } key ? vswitchNames.GetValueOrDefault(key, key) : group.GetString("spec.vswitchName"),
                group.GetArray("port").Count)).ToArray(),
            Objects(content, "config.network.vnic").Select(HostVmkernelNic.From).ToArray(),
            HostPhysicalNic.ListFrom(content["config.network.pnic"]),
            dns is null ? null : new HostDns(
                dns.GetString("hostName"), dns.GetString("domainName"), dns.GetStrings("address"), dns.GetStrings("searchDomain"), dns.GetBoolean("dhcp") ?? false),
            content.GetString("config.network.ipRouteConfig.defaultGateway"),
            content.GetString("config.network.ipRouteConfig.ipV6DefaultGateway"),
            content.GetArray("config.network.routeTableInfo.ipRoute").OfType<VimObject>().Select(route => new HostRoute(
                route.GetString("network") ?? "",
                route.GetInt32("prefixLength") ?? 0,
                route.GetString("gateway"),
                route.GetString("deviceName"))).ToArray());
    }

    private static IReadOnlyList<VimObject> Objects(ObjectContent content, string path) => content.GetArray(path).OfType<VimObject>().ToArray();

    private static Dictionary<string, string> ByKey(IEnumerable<VimObject> items, Func<VimObject, string?> name) =>
        items.Where(item => item.GetString("key") is not null && name(item) is not null)
            .ToDictionary(item => item.GetString("key")!, item => name(item)!, StringComparer.Ordinal);

    private static IReadOnlyList<string> Names(IReadOnlyList<string> keys, Dictionary<string, string> names) =>
        keys.Select(key => names.GetValueOrDefault(key, key)).ToArray();
}

/// <summary>A standard vSwitch.</summary>
/// <param name="Name">Its name, e.g. vSwitch0.</param>
/// <param name="Ports">Its number of ports.</param>
/// <param name="PortsAvailable">Ports still free.</param>
/// <param name="Mtu">Its MTU.</param>
/// <param name="Uplinks">The physical NICs it uses.</param>
/// <param name="PortGroups">The port groups on it.</param>
public sealed record HostVirtualSwitch(string Name, int? Ports, int? PortsAvailable, int? Mtu, IReadOnlyList<string> Uplinks, IReadOnlyList<string> PortGroups);

/// <summary>The host's membership of a distributed switch.</summary>
/// <param name="Name">The distributed switch's name.</param>
/// <param name="Uuid">Its UUID.</param>
/// <param name="Mtu">Its MTU.</param>
/// <param name="Uplinks">The host's physical NICs that serve as its uplinks.</param>
public sealed record HostProxySwitch(string Name, string? Uuid, int? Mtu, IReadOnlyList<string> Uplinks);

/// <summary>A standard port group.</summary>
/// <param name="Name">Its name.</param>
/// <param name="VlanId">Its VLAN (0: none, 4095: all, trunked to the guests).</param>
/// <param name="VirtualSwitch">The vSwitch it is on.</param>
/// <param name="ActivePorts">Ports in use (VM NICs and VMkernel NICs).</param>
public sealed record HostPortGroup(string Name, int? VlanId, string? VirtualSwitch, int ActivePorts);

/// <summary>A VMkernel NIC (vmk).</summary>
/// <param name="Device">Its name, e.g. vmk0.</param>
/// <param name="PortGroup">Its standard port group; absent when it is on a distributed switch.</param>
/// <param name="DistributedPortGroupKey">Its distributed port group's key, when it is on a distributed switch.</param>
/// <param name="IpAddress">Its IPv4 address.</param>
/// <param name="SubnetMask">Its IPv4 subnet mask.</param>
/// <param name="Dhcp">Whether its address comes from DHCP.</param>
/// <param name="Ipv6Addresses">Its IPv6 addresses, with prefix length.</param>
/// <param name="Mac">Its MAC address.</param>
/// <param name="Mtu">Its MTU.</param>
/// <param name="NetStack">Its TCP/IP stack, e.g. defaultTcpipStack or vmotion.</param>
public sealed record HostVmkernelNic(
    string Device, string? PortGroup, string? DistributedPortGroupKey, string? IpAddress, string? SubnetMask, bool Dhcp,
    IReadOnlyList<string> Ipv6Addresses, string? Mac, int? Mtu, string? NetStack)
{
    internal static HostVmkernelNic From(VimObject vnic) => new(
        vnic.GetString("device") ?? "",
        NullIfEmpty(vnic.GetString("portgroup")),
        vnic.GetString("spec.distributedVirtualPort.portgroupKey"),
        vnic.GetString("spec.ip.ipAddress"),
        vnic.GetString("spec.ip.subnetMask"),
        vnic.GetBoolean("spec.ip.dhcp") ?? false,
        vnic.GetArray("spec.ip.ipV6Config.ipV6Address").OfType<VimObject>()
            .Select(address => $"{address.GetString("ipAddress")}/{address.GetInt32("prefixLength")}").ToArray(),
        vnic.GetString("spec.mac"),
        vnic.GetInt32("spec.mtu"),
        vnic.GetString("spec.netStackInstanceKey"));

    /// <summary>
    /// The host's management address: the IPv4 address of the VMkernel NIC on "Management Network", else of vmk0, else of
    /// the first with one (ESXi puts its management interface on vmk0 and that port group by default).
    /// </summary>
    internal static string? ManagementAddress(IReadOnlyList<HostVmkernelNic> nics) =>
        (nics.FirstOrDefault(nic => nic.PortGroup == "Management Network" && !string.IsNullOrEmpty(nic.IpAddress))
            ?? nics.FirstOrDefault(nic => nic.Device == "vmk0" && !string.IsNullOrEmpty(nic.IpAddress))
            ?? nics.FirstOrDefault(nic => !string.IsNullOrEmpty(nic.IpAddress)))?.IpAddress;

    // A VMkernel NIC on a distributed switch reports an empty standard port group.
    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}

/// <summary>The host's DNS settings.</summary>
public sealed record HostDns(string? HostName, string? DomainName, IReadOnlyList<string> Servers, IReadOnlyList<string> SearchDomains, bool Dhcp);

/// <summary>One route of the host's default TCP/IP stack.</summary>
public sealed record HostRoute(string Network, int PrefixLength, string? Gateway, string? Device);
