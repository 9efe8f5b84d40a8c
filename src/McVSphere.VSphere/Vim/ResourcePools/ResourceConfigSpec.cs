using McVSphere.VSphere.Soap;

namespace McVSphere.VSphere.Vim;

/// <summary>A relative importance (<c>SharesLevel</c>); <see cref="Custom"/> uses <see cref="SharesInfo.Shares"/>.</summary>
public enum SharesLevel
{
    /// <summary>A level this client does not know.</summary>
    Unknown,
    /// <summary>Half of normal.</summary>
    Low,
    /// <summary>The default.</summary>
    Normal,
    /// <summary>Twice normal.</summary>
    High,
    /// <summary>An explicit number of shares.</summary>
    Custom,
}

/// <summary>Shares of a resource (<c>SharesInfo</c>): a level, or a custom number.</summary>
public sealed record SharesInfo : VimDataObject
{
    /// <summary>For records built by hand.</summary>
    public SharesInfo()
    {
    }

    /// <summary>Reads a <c>SharesInfo</c> data object.</summary>
    public SharesInfo(VimObject shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        Shares = shares.GetInt32("shares") ?? 0;
        Level = shares.GetEnum("level", SharesLevel.Unknown) ?? SharesLevel.Normal;
    }

    /// <summary>The number of shares; vSphere computes it unless <see cref="Level"/> is <see cref="SharesLevel.Custom"/>.</summary>
    public int Shares { get; init; }

    /// <summary>The level.</summary>
    public SharesLevel Level { get; init; } = SharesLevel.Normal;

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("shares", Shares);
        writer.WriteEnum<SharesLevel>("level", Level);
    }
}

/// <summary>How much CPU (MHz) or memory (MB) a pool gets (<c>ResourceAllocationInfo</c>).</summary>
public sealed record ResourceAllocationInfo : VimDataObject
{
    /// <summary>For records built by hand.</summary>
    public ResourceAllocationInfo()
    {
    }

    /// <summary>Reads a <c>ResourceAllocationInfo</c> data object.</summary>
    public ResourceAllocationInfo(VimObject allocation)
    {
        ArgumentNullException.ThrowIfNull(allocation);
        Reservation = allocation.GetInt64("reservation");
        ExpandableReservation = allocation.GetBoolean("expandableReservation");
        Limit = allocation.GetInt64("limit");
        Shares = allocation.GetObject("shares") is { } shares ? new SharesInfo(shares) : null;
    }

    /// <summary>Guaranteed amount.</summary>
    public long? Reservation { get; init; }

    /// <summary>Whether the reservation may grow by borrowing from the parent.</summary>
    public bool? ExpandableReservation { get; init; }

    /// <summary>Upper bound; -1 for none.</summary>
    public long? Limit { get; init; }

    /// <summary>Relative importance among siblings.</summary>
    public SharesInfo? Shares { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("reservation", Reservation);
        writer.Write("expandableReservation", ExpandableReservation);
        writer.Write("limit", Limit);
        writer.Write("shares", Shares);
    }
}

/// <summary>A resource pool's CPU and memory allocation (<c>ResourceConfigSpec</c>), for CreateResourcePool and UpdateConfig.</summary>
public sealed record ResourceConfigSpec : VimDataObject
{
    /// <summary>The CPU allocation, in MHz. vSphere needs every field of it to create a pool.</summary>
    public required ResourceAllocationInfo CpuAllocation { get; init; }

    /// <summary>The memory allocation, in MB. vSphere needs every field of it to create a pool.</summary>
    public required ResourceAllocationInfo MemoryAllocation { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("cpuAllocation", CpuAllocation);
        writer.Write("memoryAllocation", MemoryAllocation);
    }
}
