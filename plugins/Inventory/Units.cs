namespace McVSphere.Plugins.Inventory;

/// <summary>The unit conversions of the results: sizes in GB (GiB, as vSphere shows them) and percentages, rounded for reading.</summary>
internal static class Units
{
    private const double BytesPerGigabyte = 1024.0 * 1024 * 1024;

    public static double Gigabytes(long bytes) => Math.Round(bytes / BytesPerGigabyte, 2);

    public static double? Gigabytes(long? bytes) => bytes is { } value ? Gigabytes(value) : null;

    /// <summary><paramref name="part"/> as a percentage of <paramref name="whole"/>, one decimal; null when the whole is unknown or zero.</summary>
    public static double? Percent(double? part, double? whole) =>
        part is { } value && whole is > 0 ? Math.Round(value * 100 / whole.Value, 1) : null;
}
