using McVSphere.VSphere.Soap;

namespace McVSphere.VSphere.Vim;

/// <summary>Where a disk of a relocated or cloned VM goes (<c>VirtualMachineRelocateSpecDiskLocator</c>).</summary>
public sealed record VirtualMachineRelocateSpecDiskLocator : VimDataObject
{
    /// <summary>The disk's device key.</summary>
    public required int DiskId { get; init; }

    /// <summary>The target datastore.</summary>
    public required ManagedObjectReference Datastore { get; init; }

    /// <summary>How to move the disk backing, e.g. <c>moveAllDiskBackingsAndDisallowSharing</c>.</summary>
    public string? DiskMoveType { get; init; }

    /// <summary>The disk's backing at the target, e.g. a <see cref="VirtualDiskFlatVer2BackingInfo"/> with
    /// <c>ThinProvisioned</c> to convert the disk to thin while moving it.</summary>
    public VirtualDeviceBackingInfo? DiskBackingInfo { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("diskId", DiskId);
        writer.Write("datastore", Datastore);
        writer.Write("diskMoveType", DiskMoveType);
        writer.Write("diskBackingInfo", DiskBackingInfo);
    }
}

/// <summary>Where a VM goes (<c>VirtualMachineRelocateSpec</c>), for RelocateVM_Task and as a clone's location.
/// Unset fields keep the current placement.</summary>
public sealed record VirtualMachineRelocateSpec : VimDataObject
{
    /// <summary>The target folder.</summary>
    public ManagedObjectReference? Folder { get; init; }

    /// <summary>The target datastore.</summary>
    public ManagedObjectReference? Datastore { get; init; }

    /// <summary>How to move disk backings, e.g. <c>createNewChildDiskBacking</c> for a linked clone.</summary>
    public string? DiskMoveType { get; init; }

    /// <summary>The target resource pool (needed to clone from a template).</summary>
    public ManagedObjectReference? Pool { get; init; }

    /// <summary>The target host.</summary>
    public ManagedObjectReference? Host { get; init; }

    /// <summary>Per-disk placement.</summary>
    public IReadOnlyList<VirtualMachineRelocateSpecDiskLocator>? Disk { get; init; }

    /// <summary>Device changes during the move (e.g. a NIC's network).</summary>
    public IReadOnlyList<VirtualDeviceConfigSpec>? DeviceChange { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("folder", Folder);
        writer.Write("datastore", Datastore);
        writer.Write("diskMoveType", DiskMoveType);
        writer.Write("pool", Pool);
        writer.Write("host", Host);
        writer.Write("disk", Disk);
        writer.Write("deviceChange", DeviceChange);
    }
}

/// <summary>How to clone a VM (<c>VirtualMachineCloneSpec</c>), for CloneVM_Task.</summary>
public sealed record VirtualMachineCloneSpec : VimDataObject
{
    /// <summary>Where the clone goes.</summary>
    public VirtualMachineRelocateSpec Location { get; init; } = new();

    /// <summary>Make the clone a template.</summary>
    public bool Template { get; init; }

    /// <summary>Configuration changes applied to the clone.</summary>
    public VirtualMachineConfigSpec? Config { get; init; }

    /// <summary>Power the clone on.</summary>
    public bool PowerOn { get; init; }

    /// <summary>Clone from this snapshot instead of the current state.</summary>
    public ManagedObjectReference? Snapshot { get; init; }

    /// <summary>Include the memory state (instant clones).</summary>
    public bool? Memory { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("location", Location);
        writer.Write("template", Template);
        writer.Write("config", Config);
        writer.Write("powerOn", PowerOn);
        writer.Write("snapshot", Snapshot);
        writer.Write("memory", Memory);
    }
}
