using McVSphere.VSphere.Soap;

namespace McVSphere.VSphere.Vim;

/// <summary>A virtual disk (<c>VirtualDisk</c>); its file is in <see cref="VirtualDevice.Backing"/>, usually a
/// <see cref="VirtualDiskFlatVer2BackingInfo"/>.</summary>
public sealed record VirtualDisk : VirtualDevice
{
    /// <summary>For records built by hand.</summary>
    public VirtualDisk()
    {
    }

    internal VirtualDisk(VimObject disk) : base(disk)
    {
        CapacityInKB = disk.GetInt64("capacityInKB") ?? 0;
        CapacityInBytes = disk.GetInt64("capacityInBytes");
    }

    /// <summary>Capacity in KB.</summary>
    public long CapacityInKB { get; init; }

    /// <summary>Capacity in bytes (newer servers; takes precedence when set).</summary>
    public long? CapacityInBytes { get; init; }

    /// <summary>The disk's backing, when it is a flat (VMDK) file.</summary>
    public VirtualDiskFlatVer2BackingInfo? FlatBacking => Backing as VirtualDiskFlatVer2BackingInfo;

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        base.WriteFields(writer);
        writer.Write("capacityInKB", CapacityInKB);
        writer.Write("capacityInBytes", CapacityInBytes);
    }
}
