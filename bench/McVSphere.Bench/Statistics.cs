namespace McVSphere.Bench;

/// <summary>Median, percentiles and range of a sample, in the unit given.</summary>
public sealed record Summary(double Median, double P99, double Min, double Max, int Count)
{
    public static Summary Of(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        return new Summary(Percentile(sorted, 0.5), Percentile(sorted, 0.99), sorted[0], sorted[^1], sorted.Length);
    }

    private static double Percentile(double[] sorted, double fraction) =>
        sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];

    public override string ToString() => $"median {Median:0.###}, p99 {P99:0.###}, range {Min:0.###}–{Max:0.###} (n={Count})";
}
