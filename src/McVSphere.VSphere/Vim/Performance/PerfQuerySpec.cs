using McVSphere.VSphere.Soap;

namespace McVSphere.VSphere.Vim;

/// <summary>One metric of an entity: a counter and an instance (<c>PerfMetricId</c>); the instance "" is the aggregate
/// over all instances (CPUs, disks, NICs).</summary>
public sealed record PerfMetricId : VimDataObject
{
    /// <summary>The counter id.</summary>
    public required int CounterId { get; init; }

    /// <summary>The instance (a CPU number, a disk, a NIC), or "" for the aggregate.</summary>
    public string Instance { get; init; } = "";

    /// <summary>Reads a <c>PerfMetricId</c> data object.</summary>
    public static PerfMetricId From(VimObject id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return new PerfMetricId { CounterId = id.GetInt32("counterId") ?? 0, Instance = id.GetString("instance") ?? "" };
    }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("counterId", CounterId);
        writer.Write("instance", Instance);
    }
}

/// <summary>Which samples of which metrics of one entity to query (<c>PerfQuerySpec</c>), for QueryPerf.</summary>
public sealed record PerfQuerySpec : VimDataObject
{
    /// <summary>The VM, host, cluster, pool or datastore.</summary>
    public required ManagedObjectReference Entity { get; init; }

    /// <summary>From (exclusive).</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>Until (inclusive).</summary>
    public DateTimeOffset? EndTime { get; init; }

    /// <summary>The most samples per metric, newest kept.</summary>
    public int? MaxSample { get; init; }

    /// <summary>The metrics; vCenter returns all available ones when unset.</summary>
    public IReadOnlyList<PerfMetricId>? MetricId { get; init; }

    /// <summary>The sampling interval in seconds: 20 for real-time statistics, or a historical interval (300, 1800...).</summary>
    public int? IntervalId { get; init; }

    /// <summary><c>normal</c> (typed series) or <c>csv</c>.</summary>
    public string? Format { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("entity", Entity);
        writer.Write("startTime", StartTime);
        writer.Write("endTime", EndTime);
        writer.Write("maxSample", MaxSample);
        writer.Write("metricId", MetricId);
        writer.Write("intervalId", IntervalId);
        writer.Write("format", Format);
    }
}
