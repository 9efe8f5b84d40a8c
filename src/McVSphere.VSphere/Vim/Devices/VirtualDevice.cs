using McVSphere.VSphere.Soap;

namespace McVSphere.VSphere.Vim;

/// <summary>
/// A virtual device of a VM (<c>VirtualDevice</c>), as read from <c>config.hardware.device</c> and as sent in a
/// <see cref="VirtualDeviceConfigSpec"/>. Device types this library does not model are read as
/// <see cref="OtherVirtualDevice"/>, which writes back every field it read.
/// </summary>
public abstract record VirtualDevice : VimDataObject
{
    /// <summary>For records built by hand (new devices: use a negative <see cref="Key"/>).</summary>
    protected VirtualDevice()
    {
    }

    private protected VirtualDevice(VimObject device)
    {
        Key = device.GetInt32("key") ?? 0;
        DeviceInfo = device.GetObject("deviceInfo") is { } info ? new Description(info) : null;
        Backing = device.GetObject("backing") is { } backing ? VirtualDeviceBackingInfo.From(backing) : null;
        Connectable = device.GetObject("connectable") is { } connectable ? new VirtualDeviceConnectInfo(connectable) : null;
        SlotInfo = device.GetObject("slotInfo");
        ControllerKey = device.GetInt32("controllerKey");
        UnitNumber = device.GetInt32("unitNumber");
    }

    /// <summary>The device key, unique within the VM; negative for a device being added.</summary>
    public int Key { get; init; }

    /// <summary>Label and summary. Send it back on edits: the simulator drops the connection without it.</summary>
    public Description? DeviceInfo { get; init; }

    /// <summary>What backs the device (a disk file, a network, a URI...).</summary>
    public VirtualDeviceBackingInfo? Backing { get; init; }

    /// <summary>Connection state, for removable devices.</summary>
    public VirtualDeviceConnectInfo? Connectable { get; init; }

    /// <summary>The bus slot, kept as read (e.g. <c>VirtualDevicePciBusSlotInfo</c>).</summary>
    public VimObject? SlotInfo { get; init; }

    /// <summary>The key of the controller the device is attached to.</summary>
    public int? ControllerKey { get; init; }

    /// <summary>The unit number on that controller.</summary>
    public int? UnitNumber { get; init; }

    /// <summary>Reads a device of any type from its data object.</summary>
    public static VirtualDevice From(VimObject device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return device.TypeName switch
        {
            nameof(VirtualDisk) => new VirtualDisk(device),
            nameof(VirtualE1000) => new VirtualE1000(device),
            nameof(VirtualE1000e) => new VirtualE1000e(device),
            nameof(VirtualPCNet32) => new VirtualPCNet32(device),
            nameof(VirtualVmxnet2) => new VirtualVmxnet2(device),
            nameof(VirtualVmxnet3) => new VirtualVmxnet3(device),
            nameof(VirtualCdrom) => new VirtualCdrom(device),
            nameof(VirtualSerialPort) => new VirtualSerialPort(device),
            nameof(VirtualIDEController) => new VirtualIDEController(device),
            nameof(ParaVirtualSCSIController) => new ParaVirtualSCSIController(device),
            nameof(VirtualLsiLogicController) => new VirtualLsiLogicController(device),
            nameof(VirtualLsiLogicSASController) => new VirtualLsiLogicSASController(device),
            nameof(VirtualBusLogicController) => new VirtualBusLogicController(device),
            _ => new OtherVirtualDevice(device),
        };
    }

    /// <summary>Reads the devices of <c>config.hardware.device</c>.</summary>
    public static IReadOnlyList<VirtualDevice> ListFrom(VimValue? devices) =>
        devices?.AsArray().OfType<VimObject>().Select(From).ToArray() ?? [];

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("key", Key);
        writer.Write("deviceInfo", DeviceInfo);
        writer.Write("backing", Backing);
        writer.Write("connectable", Connectable);
        writer.Write("slotInfo", SlotInfo);
        writer.Write("controllerKey", ControllerKey);
        writer.Write("unitNumber", UnitNumber);
    }
}

/// <summary>
/// A device of a type this library does not model (controllers, video card, ...). Its own fields are kept as read
/// and written back after the common ones, so it survives an edit unchanged.
/// </summary>
public sealed record OtherVirtualDevice : VirtualDevice
{
    private static readonly HashSet<string> CommonFields = ["key", "deviceInfo", "backing", "connectable", "slotInfo", "controllerKey", "unitNumber"];

    internal OtherVirtualDevice(VimObject device) : base(device) => Raw = device;

    /// <summary>The device as read, with its type name.</summary>
    public VimObject Raw { get; }

    /// <inheritdoc />
    protected internal override string VimTypeName => Raw.TypeName ?? nameof(VirtualDevice);

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        base.WriteFields(writer);
        foreach (var field in Raw.Fields.Where(field => !CommonFields.Contains(field.Name)))
        {
            writer.Write(field.Name, field.Value);
        }
    }
}

/// <summary>A device's label and summary (<c>Description</c>).</summary>
public sealed record Description : VimDataObject
{
    /// <summary>For records built by hand.</summary>
    public Description()
    {
    }

    internal Description(VimObject description)
    {
        Label = description.GetString("label") ?? "";
        Summary = description.GetString("summary") ?? "";
    }

    /// <summary>Short label, e.g. "Hard disk 1".</summary>
    public string Label { get; init; } = "";

    /// <summary>Summary, e.g. "16,777,216 KB".</summary>
    public string Summary { get; init; } = "";

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("label", Label);
        writer.Write("summary", Summary);
    }
}

/// <summary>Whether a removable device is connected, and how it connects (<c>VirtualDeviceConnectInfo</c>).</summary>
public sealed record VirtualDeviceConnectInfo : VimDataObject
{
    /// <summary>For records built by hand.</summary>
    public VirtualDeviceConnectInfo()
    {
    }

    internal VirtualDeviceConnectInfo(VimObject info)
    {
        StartConnected = info.GetBoolean("startConnected") ?? false;
        AllowGuestControl = info.GetBoolean("allowGuestControl") ?? false;
        Connected = info.GetBoolean("connected") ?? false;
        Status = info.GetString("status");
    }

    /// <summary>Connect when the VM powers on.</summary>
    public bool StartConnected { get; init; }

    /// <summary>Let the guest connect and disconnect it.</summary>
    public bool AllowGuestControl { get; init; }

    /// <summary>Connected now.</summary>
    public bool Connected { get; init; }

    /// <summary>"ok", "recoverableError", "unrecoverableError" or "untried" (read only).</summary>
    public string? Status { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("startConnected", StartConnected);
        writer.Write("allowGuestControl", AllowGuestControl);
        writer.Write("connected", Connected);
        writer.Write("status", Status);
    }
}
