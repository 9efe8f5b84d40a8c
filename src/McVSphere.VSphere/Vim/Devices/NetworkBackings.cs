using McVSphere.VSphere.Soap;

namespace McVSphere.VSphere.Vim;

/// <summary>A standard port group, named by <see cref="VirtualDeviceDeviceBackingInfo.DeviceName"/>
/// (<c>VirtualEthernetCardNetworkBackingInfo</c>).</summary>
public sealed record VirtualEthernetCardNetworkBackingInfo : VirtualDeviceDeviceBackingInfo
{
    /// <summary>For records built by hand.</summary>
    public VirtualEthernetCardNetworkBackingInfo()
    {
    }

    internal VirtualEthernetCardNetworkBackingInfo(VimObject backing) : base(backing)
    {
        Network = backing.GetReference("network");
        InPassthroughMode = backing.GetBoolean("inPassthroughMode");
    }

    /// <summary>The Network object.</summary>
    public ManagedObjectReference? Network { get; init; }

    /// <summary>Passthrough mode (deprecated).</summary>
    public bool? InPassthroughMode { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        base.WriteFields(writer);
        writer.Write("network", Network);
        writer.Write("inPassthroughMode", InPassthroughMode);
    }
}

/// <summary>A port of a distributed switch (<c>DistributedVirtualSwitchPortConnection</c>).</summary>
public sealed record DistributedVirtualSwitchPortConnection : VimDataObject
{
    /// <summary>For records built by hand.</summary>
    public DistributedVirtualSwitchPortConnection()
    {
    }

    internal DistributedVirtualSwitchPortConnection(VimObject port)
    {
        SwitchUuid = port.GetString("switchUuid") ?? "";
        PortgroupKey = port.GetString("portgroupKey");
        PortKey = port.GetString("portKey");
        ConnectionCookie = port.GetInt32("connectionCookie");
    }

    /// <summary>The switch's UUID (<c>DistributedVirtualSwitch.uuid</c>).</summary>
    public string SwitchUuid { get; init; } = "";

    /// <summary>The port group key (<c>DistributedVirtualPortgroup.key</c>, e.g. <c>dvportgroup-13</c>).</summary>
    public string? PortgroupKey { get; init; }

    /// <summary>A specific port, or null for any port of the group.</summary>
    public string? PortKey { get; init; }

    /// <summary>The connection cookie, as read.</summary>
    public int? ConnectionCookie { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("switchUuid", SwitchUuid);
        writer.Write("portgroupKey", PortgroupKey);
        writer.Write("portKey", PortKey);
        writer.Write("connectionCookie", ConnectionCookie);
    }
}

/// <summary>A distributed port group (<c>VirtualEthernetCardDistributedVirtualPortBackingInfo</c>).</summary>
public sealed record VirtualEthernetCardDistributedVirtualPortBackingInfo : VirtualDeviceBackingInfo
{
    /// <summary>For records built by hand.</summary>
    public VirtualEthernetCardDistributedVirtualPortBackingInfo()
    {
    }

    internal VirtualEthernetCardDistributedVirtualPortBackingInfo(VimObject backing) =>
        Port = backing.GetObject("port") is { } port ? new DistributedVirtualSwitchPortConnection(port) : new DistributedVirtualSwitchPortConnection();

    /// <summary>The switch and port group.</summary>
    public DistributedVirtualSwitchPortConnection Port { get; init; } = new();

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer) => writer.Write("port", Port);
}

/// <summary>An NSX opaque network (<c>VirtualEthernetCardOpaqueNetworkBackingInfo</c>).</summary>
public sealed record VirtualEthernetCardOpaqueNetworkBackingInfo : VirtualDeviceBackingInfo
{
    /// <summary>For records built by hand.</summary>
    public VirtualEthernetCardOpaqueNetworkBackingInfo()
    {
    }

    internal VirtualEthernetCardOpaqueNetworkBackingInfo(VimObject backing)
    {
        OpaqueNetworkId = backing.GetString("opaqueNetworkId") ?? "";
        OpaqueNetworkType = backing.GetString("opaqueNetworkType") ?? "";
    }

    /// <summary>The network id.</summary>
    public string OpaqueNetworkId { get; init; } = "";

    /// <summary>The network type, e.g. <c>nsx.LogicalSwitch</c>.</summary>
    public string OpaqueNetworkType { get; init; } = "";

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("opaqueNetworkId", OpaqueNetworkId);
        writer.Write("opaqueNetworkType", OpaqueNetworkType);
    }
}
