using McVSphere.VSphere.Soap;

namespace McVSphere.VSphere.Vim;

/// <summary>A network URI backing (<c>VirtualDeviceURIBackingInfo</c>).</summary>
public abstract record VirtualDeviceURIBackingInfo : VirtualDeviceBackingInfo
{
    /// <summary>For records built by hand.</summary>
    protected VirtualDeviceURIBackingInfo()
    {
    }

    private protected VirtualDeviceURIBackingInfo(VimObject backing)
    {
        ServiceUri = backing.GetString("serviceURI") ?? "";
        Direction = backing.GetString("direction") ?? "";
        ProxyUri = backing.GetString("proxyURI");
    }

    /// <summary>The URI, e.g. <c>telnet://:2001</c> (server) or <c>telnet://console.example.com:2001</c> (client).</summary>
    public string ServiceUri { get; init; } = "";

    /// <summary>"server" (the VM listens) or "client" (the VM connects).</summary>
    public string Direction { get; init; } = "server";

    /// <summary>A virtual serial port concentrator URI, if any.</summary>
    public string? ProxyUri { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("serviceURI", ServiceUri);
        writer.Write("direction", Direction);
        writer.Write("proxyURI", ProxyUri);
    }
}

/// <summary>A serial port over the network (<c>VirtualSerialPortURIBackingInfo</c>).</summary>
public sealed record VirtualSerialPortURIBackingInfo : VirtualDeviceURIBackingInfo
{
    /// <summary>For records built by hand.</summary>
    public VirtualSerialPortURIBackingInfo()
    {
    }

    internal VirtualSerialPortURIBackingInfo(VimObject backing) : base(backing)
    {
    }
}
