using System.Runtime.CompilerServices;

namespace McVSphere.VSphere.Vim;

/// <summary>The time of one sample (<c>PerfSampleInfo</c>).</summary>
/// <param name="Timestamp">The end of the sampling interval.</param>
/// <param name="IntervalSeconds">Its length in seconds (20 for real-time statistics).</param>
public sealed record PerfSampleInfo(DateTimeOffset Timestamp, int IntervalSeconds);

/// <summary>The samples of one metric, in the order of <see cref="PerfEntityMetric.Samples"/>; -1 marks a missing sample.</summary>
/// <param name="Id">The metric.</param>
/// <param name="Values">One raw value per sample.</param>
public sealed record PerfMetricSeries(PerfMetricId Id, IReadOnlyList<long> Values);

/// <summary>What QueryPerf returned for one entity (<c>PerfEntityMetric</c>).</summary>
/// <param name="Entity">The entity.</param>
/// <param name="Samples">The sample times.</param>
/// <param name="Series">One series per metric.</param>
public sealed record PerfEntityMetric(ManagedObjectReference Entity, IReadOnlyList<PerfSampleInfo> Samples, IReadOnlyList<PerfMetricSeries> Series)
{
    /// <summary>Reads a <c>PerfEntityMetric</c> data object (series in the <c>normal</c> format).</summary>
    public static PerfEntityMetric From(VimObject metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        var samples = metric.GetArray("sampleInfo").OfType<VimObject>()
            .Select(sample => new PerfSampleInfo(sample.GetDateTime("timestamp") ?? DateTimeOffset.MinValue, sample.GetInt32("interval") ?? 0))
            .ToArray();
        var series = metric.GetArray("value").OfType<VimObject>()
            .Where(value => value.GetObject("id") is not null)
            .Select(value => new PerfMetricSeries(PerfMetricId.From(value.GetObject("id")!), value.GetArray("value").Select(item => item.AsInt64()).ToArray()))
            .ToArray();
        return new PerfEntityMetric(metric.GetReference("entity") ?? throw new FormatException("A PerfEntityMetric has no entity."), samples, series);
    }
}

/// <summary>The latest sample of one metric, with its counter.</summary>
/// <param name="Counter">The counter.</param>
/// <param name="Instance">The instance, "" for the aggregate.</param>
/// <param name="Value">The value in <see cref="PerfCounterInfo.Unit"/> (percent counters scaled from hundredths).</param>
/// <param name="Timestamp">When the sampling interval ended.</param>
/// <param name="IntervalSeconds">The length of the sampling interval.</param>
public sealed record PerfLatestValue(PerfCounterInfo Counter, string Instance, double Value, DateTimeOffset Timestamp, int IntervalSeconds);

/// <summary>Typed calls of PerformanceManager methods.</summary>
public static class PerformanceMethods
{
    /// <summary>The real-time sampling interval of ESXi and vCenter, in seconds.</summary>
    public const int RealTimeInterval = 20;

    // The counter definitions of each client, with the session they were read in: hundreds of definitions that change
    // only when vCenter does, read once per session instead of once per call.
    private static readonly ConditionalWeakTable<VSphereClient, StrongBox<(string Session, IReadOnlyList<PerfCounterInfo> Counters)>> Definitions = new();

    /// <summary>Every counter the server defines (PerformanceManager.perfCounter), read once per vCenter session.</summary>
    public static async Task<IReadOnlyList<PerfCounterInfo>> GetPerfCountersAsync(this VSphereClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (Definitions.TryGetValue(client, out var known) && known.Value.Session == client.CurrentSession?.Key)
        {
            return known.Value.Counters;
        }
        var perfManager = await GetPerfManagerAsync(client, "perfCounter", cancellationToken).ConfigureAwait(false);
        var content = await client.Properties.RetrieveAsync(perfManager, ["perfCounter"], cancellationToken).ConfigureAwait(false);
        IReadOnlyList<PerfCounterInfo> counters = content.GetArray("perfCounter").OfType<VimObject>().Select(PerfCounterInfo.From).ToArray();
        if (client.CurrentSession?.Key is { } session)
        {
            Definitions.AddOrUpdate(client, new StrongBox<(string, IReadOnlyList<PerfCounterInfo>)>((session, counters)));
        }
        return counters;
    }

    /// <summary>The metrics an entity has at a sampling interval (QueryAvailablePerfMetric).</summary>
    public static async Task<IReadOnlyList<PerfMetricId>> QueryAvailablePerfMetricAsync(this VSphereClient client, ManagedObjectReference entity,
        int intervalId = RealTimeInterval, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var perfManager = await GetPerfManagerAsync(client, "QueryAvailablePerfMetric", cancellationToken).ConfigureAwait(false);
        var ids = await client.InvokeAsync("QueryAvailablePerfMetric", perfManager,
            [new VimArgument("entity", entity), new VimArgument("intervalId", intervalId)], cancellationToken).ConfigureAwait(false);
        return ids?.AsArray().OfType<VimObject>().Select(PerfMetricId.From).ToArray() ?? [];
    }

    /// <summary>Queries samples (QueryPerf), one result per entity that has data.</summary>
    public static async Task<IReadOnlyList<PerfEntityMetric>> QueryPerfAsync(this VSphereClient client, IReadOnlyList<PerfQuerySpec> querySpecs,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(querySpecs);
        var perfManager = await GetPerfManagerAsync(client, "QueryPerf", cancellationToken).ConfigureAwait(false);
        var metrics = await client.InvokeAsync("QueryPerf", perfManager, [new VimArgument("querySpec", querySpecs)], cancellationToken).ConfigureAwait(false);
        return metrics?.AsArray().OfType<VimObject>().Select(PerfEntityMetric.From).ToArray() ?? [];
    }

    /// <summary>
    /// The latest sample of the aggregate metric of each named counter (e.g. <c>cpu.usage.average</c>) that the entity
    /// has at <paramref name="intervalId"/>, in the order of <paramref name="counterNames"/>. Counters the entity lacks
    /// (a powered-off VM has no real-time statistics) are left out. Three calls: the counters and the entity's available
    /// metrics (concurrently), then one QueryPerf.
    /// </summary>
    public static async Task<IReadOnlyList<PerfLatestValue>> QueryLatestPerfAsync(this VSphereClient client, ManagedObjectReference entity,
        IReadOnlyList<string> counterNames, int intervalId = RealTimeInterval, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(counterNames);
        var countersTask = client.GetPerfCountersAsync(cancellationToken);
        var availableTask = client.QueryAvailablePerfMetricAsync(entity, intervalId, cancellationToken);
        await Task.WhenAll(countersTask, availableTask).ConfigureAwait(false);

        var available = availableTask.Result.Where(id => id.Instance.Length == 0).Select(id => id.CounterId).ToHashSet();
        var countersByName = countersTask.Result.GroupBy(counter => counter.FullName, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.First(), StringComparer.Ordinal);
        var wanted = counterNames
            .Select(name => countersByName.GetValueOrDefault(name))
            .OfType<PerfCounterInfo>()
            .Where(counter => available.Contains(counter.Key))
            .ToArray();
        if (wanted.Length == 0)
        {
            return [];
        }

        var results = await client.QueryPerfAsync(
            [
                new PerfQuerySpec
                {
                    Entity = entity,
                    MaxSample = 1,
                    IntervalId = intervalId,
                    MetricId = wanted.Select(counter => new PerfMetricId { CounterId = counter.Key }).ToArray(),
                },
            ], cancellationToken).ConfigureAwait(false);
        if (results.Count == 0 || results[0].Samples.Count == 0)
        {
            return [];
        }

        // vCenter returns samples oldest first; do not rely on the order.
        var samples = results[0].Samples;
        var latest = Enumerable.Range(0, samples.Count).MaxBy(index => samples[index].Timestamp);
        var seriesByCounter = results[0].Series.Where(series => series.Id.Instance.Length == 0)
            .GroupBy(series => series.Id.CounterId).ToDictionary(group => group.Key, group => group.First());
        return wanted
            .Where(counter => seriesByCounter.TryGetValue(counter.Key, out var series) && latest < series.Values.Count && series.Values[latest] >= 0)
            .Select(counter => new PerfLatestValue(counter, "", counter.ToUnitValue(seriesByCounter[counter.Key].Values[latest]),
                samples[latest].Timestamp, samples[latest].IntervalSeconds))
            .ToArray();
    }

    private static async Task<ManagedObjectReference> GetPerfManagerAsync(VSphereClient client, string operation, CancellationToken cancellationToken)
    {
        var content = await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        return content.PerfManager ?? throw VimFaults.NotSupported(operation, "PerformanceManager");
    }
}
