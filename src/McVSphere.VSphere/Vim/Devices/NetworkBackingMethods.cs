using McVSphere.VSphere.Lookup;

namespace McVSphere.VSphere.Vim;

/// <summary>Builds and names the backings that connect network adapters to networks.</summary>
public static class NetworkBackingMethods
{
    private static readonly string[] PortgroupPaths = ["key", "config.distributedVirtualSwitch"];
    // summary is declared NetworkSummary: vCenter rejects summary.opaqueNetworkId (an OpaqueNetworkSummary member) with
    // InvalidProperty, so the whole summary is read and its members picked here.
    private static readonly string[] OpaqueNetworkPaths = ["summary"];

    /// <summary>
    /// The backing that connects a network adapter to <paramref name="network"/> (as found by
    /// <c>client.Lookup.FindAsync(VSphereObjectKind.Network, name)</c>): a standard port group by name, a distributed
    /// port group by its switch's UUID and its key (two reads), or an NSX opaque network by id and type (one read).
    /// </summary>
    public static async Task<VirtualDeviceBackingInfo> GetEthernetCardBackingAsync(this VSphereClient client, InventoryObject network,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        switch (network.Ref.Type)
        {
            case "DistributedVirtualPortgroup":
                var portgroup = await client.Properties.RetrieveAsync(network.Ref, PortgroupPaths, cancellationToken).ConfigureAwait(false);
                var dvSwitch = portgroup.GetReference("config.distributedVirtualSwitch")
                    ?? throw new VSphereException($"The distributed port group '{network.Name}' belongs to no distributed switch.");
                var switchContent = await client.Properties.RetrieveAsync(dvSwitch, ["uuid"], cancellationToken).ConfigureAwait(false);
                return new VirtualEthernetCardDistributedVirtualPortBackingInfo
                {
                    Port = new DistributedVirtualSwitchPortConnection
                    {
                        SwitchUuid = switchContent.GetString("uuid") ?? throw new VSphereException($"The distributed switch of '{network.Name}' has no UUID."),
                        PortgroupKey = portgroup.GetString("key") ?? network.Ref.Value,
                    },
                };
            case "OpaqueNetwork":
                var opaque = await client.Properties.RetrieveAsync(network.Ref, OpaqueNetworkPaths, cancellationToken).ConfigureAwait(false);
                return new VirtualEthernetCardOpaqueNetworkBackingInfo
                {
                    OpaqueNetworkId = opaque.GetString("summary.opaqueNetworkId") ?? "",
                    OpaqueNetworkType = opaque.GetString("summary.opaqueNetworkType") ?? "",
                };
            default:
                return new VirtualEthernetCardNetworkBackingInfo { DeviceName = network.Name, Network = network.Ref };
        }
    }

    /// <summary>The names of all distributed port groups by key (one read), to name the networks of adapters on them.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> GetPortgroupNamesByKeyAsync(this VSphereClient client,
        CancellationToken cancellationToken = default)
    {
        var portgroups = await client.Properties.RetrieveAsync("DistributedVirtualPortgroup", ["key", "name"], cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return portgroups.ToDictionary(
            portgroup => portgroup.GetString("key") ?? portgroup.Ref.Value,
            portgroup => portgroup.GetString("name") ?? portgroup.Ref.Value,
            StringComparer.Ordinal);
    }
}
