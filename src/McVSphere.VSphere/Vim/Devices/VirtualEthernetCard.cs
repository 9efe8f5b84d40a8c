using McVSphere.VSphere.Soap;

namespace McVSphere.VSphere.Vim;

/// <summary>
/// A network adapter (<c>VirtualEthernetCard</c>). Its network is in <see cref="VirtualDevice.Backing"/>: a
/// <see cref="VirtualEthernetCardNetworkBackingInfo"/> (standard port group), a
/// <see cref="VirtualEthernetCardDistributedVirtualPortBackingInfo"/> (distributed port group) or a
/// <see cref="VirtualEthernetCardOpaqueNetworkBackingInfo"/> (NSX).
/// </summary>
public abstract record VirtualEthernetCard : VirtualDevice
{
    /// <summary>For records built by hand.</summary>
    protected VirtualEthernetCard()
    {
    }

    private protected VirtualEthernetCard(VimObject card) : base(card)
    {
        AddressType = card.GetString("addressType");
        MacAddress = card.GetString("macAddress");
        WakeOnLanEnabled = card.GetBoolean("wakeOnLanEnabled");
    }

    /// <summary>"generated", "manual" or "assigned".</summary>
    public string? AddressType { get; init; }

    /// <summary>The MAC address, e.g. <c>00:50:56:aa:bb:cc</c>.</summary>
    public string? MacAddress { get; init; }

    /// <summary>Whether Wake-on-LAN is enabled.</summary>
    public bool? WakeOnLanEnabled { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        base.WriteFields(writer);
        writer.Write("addressType", AddressType);
        writer.Write("macAddress", MacAddress);
        writer.Write("wakeOnLanEnabled", WakeOnLanEnabled);
    }
}

/// <summary>An emulated Intel E1000 adapter.</summary>
public sealed record VirtualE1000 : VirtualEthernetCard
{
    /// <summary>For records built by hand.</summary>
    public VirtualE1000()
    {
    }

    internal VirtualE1000(VimObject card) : base(card)
    {
    }
}

/// <summary>An emulated Intel E1000e adapter.</summary>
public sealed record VirtualE1000e : VirtualEthernetCard
{
    /// <summary>For records built by hand.</summary>
    public VirtualE1000e()
    {
    }

    internal VirtualE1000e(VimObject card) : base(card)
    {
    }
}

/// <summary>An emulated AMD PCnet32 adapter.</summary>
public sealed record VirtualPCNet32 : VirtualEthernetCard
{
    /// <summary>For records built by hand.</summary>
    public VirtualPCNet32()
    {
    }

    internal VirtualPCNet32(VimObject card) : base(card)
    {
    }
}

/// <summary>A paravirtual VMXNET adapter (base of VMXNET 2 and 3).</summary>
public abstract record VirtualVmxnet : VirtualEthernetCard
{
    /// <summary>For records built by hand.</summary>
    protected VirtualVmxnet()
    {
    }

    private protected VirtualVmxnet(VimObject card) : base(card)
    {
    }
}

/// <summary>A paravirtual VMXNET 2 adapter.</summary>
public sealed record VirtualVmxnet2 : VirtualVmxnet
{
    /// <summary>For records built by hand.</summary>
    public VirtualVmxnet2()
    {
    }

    internal VirtualVmxnet2(VimObject card) : base(card)
    {
    }
}

/// <summary>A paravirtual VMXNET 3 adapter, the usual choice.</summary>
public sealed record VirtualVmxnet3 : VirtualVmxnet
{
    /// <summary>For records built by hand.</summary>
    public VirtualVmxnet3()
    {
    }

    internal VirtualVmxnet3(VimObject card) : base(card)
    {
    }
}
