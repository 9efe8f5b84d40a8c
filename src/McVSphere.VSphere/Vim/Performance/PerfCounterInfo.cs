namespace McVSphere.VSphere.Vim;

/// <summary>
/// A performance counter (<c>PerfCounterInfo</c>), e.g. <c>cpu.usage.average</c> in percent. Values of counters in
/// percent come in hundredths of a percent; <see cref="ToUnitValue"/> scales them.
/// </summary>
/// <param name="Key">The counter id on this server (ids differ between servers).</param>
/// <param name="Group">Its group: <c>cpu</c>, <c>mem</c>, <c>disk</c>, <c>net</c>, <c>sys</c>...</param>
/// <param name="Name">Its name in the group, e.g. <c>usage</c>.</param>
/// <param name="RollupType">How samples are rolled up: <c>average</c>, <c>summation</c>, <c>latest</c>, <c>maximum</c>...</param>
/// <param name="Unit">The unit key: <c>percent</c>, <c>megaHertz</c>, <c>kiloBytes</c>, <c>kiloBytesPerSecond</c>, <c>millisecond</c>, <c>number</c>...</param>
/// <param name="Label">Its label, e.g. "Usage".</param>
/// <param name="Summary">What it measures, e.g. "CPU usage as a percentage during the interval".</param>
/// <param name="StatsType"><c>rate</c>, <c>delta</c> or <c>absolute</c>.</param>
/// <param name="Level">The statistics level (1–4) at which vCenter collects it.</param>
public sealed record PerfCounterInfo(
    int Key,
    string Group,
    string Name,
    string RollupType,
    string Unit,
    string? Label,
    string? Summary,
    string? StatsType,
    int? Level)
{
    /// <summary>The dotted name tools use, e.g. <c>cpu.usage.average</c>.</summary>
    public string FullName => $"{Group}.{Name}.{RollupType}";

    /// <summary>A raw sample in the counter's unit (hundredths of a percent become percent).</summary>
    public double ToUnitValue(long raw) => Unit == "percent" ? raw / 100.0 : raw;

    /// <summary>Reads a <c>PerfCounterInfo</c> data object.</summary>
    public static PerfCounterInfo From(VimObject counter)
    {
        ArgumentNullException.ThrowIfNull(counter);
        return new PerfCounterInfo(
            counter.GetInt32("key") ?? 0,
            counter.GetString("groupInfo.key") ?? "",
            counter.GetString("nameInfo.key") ?? "",
            counter.GetString("rollupType") ?? "",
            counter.GetString("unitInfo.key") ?? "",
            counter.GetString("nameInfo.label"),
            counter.GetString("nameInfo.summary"),
            counter.GetString("statsType"),
            counter.GetInt32("level"));
    }
}
