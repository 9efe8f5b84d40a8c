using McVSphere.VSphere.Soap;

namespace McVSphere.VSphere.Vim;

/// <summary>A serial port (<c>VirtualSerialPort</c>), e.g. a network console through a
/// <see cref="VirtualSerialPortURIBackingInfo"/> (<c>telnet://:2001</c>).</summary>
public sealed record VirtualSerialPort : VirtualDevice
{
    /// <summary>For records built by hand.</summary>
    public VirtualSerialPort()
    {
    }

    internal VirtualSerialPort(VimObject port) : base(port) => YieldOnPoll = port.GetBoolean("yieldOnPoll") ?? false;

    /// <summary>Let the guest yield the CPU while polling the port (recommended for consoles).</summary>
    public bool YieldOnPoll { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        base.WriteFields(writer);
        writer.Write("yieldOnPoll", YieldOnPoll);
    }
}
