using McVSphere.VSphere.Soap;

namespace McVSphere.VSphere.Vim;

/// <summary>
/// A controller that other devices attach to (<c>VirtualController</c>): devices name it by its
/// <see cref="VirtualDevice.Key"/> in their <see cref="VirtualDevice.ControllerKey"/>, with a
/// <see cref="VirtualDevice.UnitNumber"/> of their own on it.
/// </summary>
public abstract record VirtualController : VirtualDevice
{
    /// <summary>For records built by hand.</summary>
    protected VirtualController()
    {
    }

    private protected VirtualController(VimObject controller) : base(controller)
    {
        BusNumber = controller.GetInt32("busNumber") ?? 0;
        Device = controller.GetArray("device").Select(key => key.AsInt32()).ToArray();
    }

    /// <summary>The bus number, unique among controllers of the same kind (SCSI 0–3, IDE 0–1).</summary>
    public int BusNumber { get; init; }

    /// <summary>The keys of the devices attached to it (read only).</summary>
    public IReadOnlyList<int> Device { get; init; } = [];

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        base.WriteFields(writer);
        writer.Write("busNumber", BusNumber);
        foreach (var key in Device)
        {
            writer.Write("device", key);
        }
    }
}

/// <summary>An IDE controller (<c>VirtualIDEController</c>): two units, for CD/DVD drives and old disks.</summary>
public sealed record VirtualIDEController : VirtualController
{
    /// <summary>How many devices an IDE controller takes.</summary>
    public const int UnitCount = 2;

    /// <summary>For records built by hand.</summary>
    public VirtualIDEController()
    {
    }

    internal VirtualIDEController(VimObject controller) : base(controller)
    {
    }
}

/// <summary>
/// A SCSI controller (<c>VirtualSCSIController</c>): units 0–15 for disks, except the controller's own unit
/// (<see cref="ScsiCtlrUnitNumber"/>, 7).
/// </summary>
public abstract record VirtualSCSIController : VirtualController
{
    /// <summary>How many unit numbers a SCSI bus has, the controller's own included.</summary>
    public const int UnitCount = 16;

    /// <summary>The unit number a SCSI controller takes on its own bus unless it says otherwise.</summary>
    public const int DefaultControllerUnitNumber = 7;

    /// <summary>For records built by hand.</summary>
    protected VirtualSCSIController()
    {
    }

    private protected VirtualSCSIController(VimObject controller) : base(controller)
    {
        HotAddRemove = controller.GetBoolean("hotAddRemove");
        SharedBus = controller.GetString("sharedBus") ?? "noSharing";
        ScsiCtlrUnitNumber = controller.GetInt32("scsiCtlrUnitNumber");
    }

    /// <summary>Whether devices can be added and removed while the VM runs.</summary>
    public bool? HotAddRemove { get; init; }

    /// <summary>"noSharing", "virtualSharing" or "physicalSharing".</summary>
    public string SharedBus { get; init; } = "noSharing";

    /// <summary>The unit number the controller itself takes on its bus (read only; 7).</summary>
    public int? ScsiCtlrUnitNumber { get; init; }

    /// <summary>The unit numbers a device can take on this controller, in order.</summary>
    public IEnumerable<int> DeviceUnitNumbers =>
        Enumerable.Range(0, UnitCount).Where(unit => unit != (ScsiCtlrUnitNumber ?? DefaultControllerUnitNumber));

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        base.WriteFields(writer);
        writer.Write("hotAddRemove", HotAddRemove);
        writer.Write("sharedBus", SharedBus);
        writer.Write("scsiCtlrUnitNumber", ScsiCtlrUnitNumber);
    }
}

/// <summary>A VMware Paravirtual SCSI controller (<c>ParaVirtualSCSIController</c>), the usual choice for new VMs.</summary>
public sealed record ParaVirtualSCSIController : VirtualSCSIController
{
    /// <summary>For records built by hand.</summary>
    public ParaVirtualSCSIController()
    {
    }

    internal ParaVirtualSCSIController(VimObject controller) : base(controller)
    {
    }
}

/// <summary>An LSI Logic parallel SCSI controller (<c>VirtualLsiLogicController</c>).</summary>
public sealed record VirtualLsiLogicController : VirtualSCSIController
{
    /// <summary>For records built by hand.</summary>
    public VirtualLsiLogicController()
    {
    }

    internal VirtualLsiLogicController(VimObject controller) : base(controller)
    {
    }
}

/// <summary>An LSI Logic SAS controller (<c>VirtualLsiLogicSASController</c>).</summary>
public sealed record VirtualLsiLogicSASController : VirtualSCSIController
{
    /// <summary>For records built by hand.</summary>
    public VirtualLsiLogicSASController()
    {
    }

    internal VirtualLsiLogicSASController(VimObject controller) : base(controller)
    {
    }
}

/// <summary>A BusLogic parallel SCSI controller (<c>VirtualBusLogicController</c>).</summary>
public sealed record VirtualBusLogicController : VirtualSCSIController
{
    /// <summary>For records built by hand.</summary>
    public VirtualBusLogicController()
    {
    }

    internal VirtualBusLogicController(VimObject controller) : base(controller)
    {
    }
}
