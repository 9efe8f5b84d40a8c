using McVSphere.VSphere.Properties;

namespace McVSphere.VSphere.Vim;

/// <summary>One ESXi host of a listing, read in bulk: <c>client.Properties.RetrieveAsync&lt;HostSystemSummaryRow&gt;()</c>.</summary>
/// <param name="Ref">The host.</param>
/// <param name="Name">Its name.</param>
/// <param name="ConnectionState"><c>connected</c>, <c>disconnected</c> or <c>notResponding</c>.</param>
/// <param name="PowerState"><c>poweredOn</c>, <c>poweredOff</c>, <c>standBy</c> or <c>unknown</c>.</param>
/// <param name="InMaintenanceMode">Whether it is in maintenance mode.</param>
/// <param name="CpuModel">The CPU model.</param>
/// <param name="NumCpuCores">Physical CPU cores.</param>
/// <param name="CpuMhz">Speed of a core in MHz.</param>
/// <param name="MemoryBytes">Physical memory in bytes.</param>
/// <param name="ProductFullName">The ESXi version, e.g. "VMware ESXi 8.0.2 build-22380479".</param>
/// <param name="Parent">Its compute resource (cluster, or the standalone host's own).</param>
public sealed record HostSystemSummaryRow(
    ManagedObjectReference Ref,
    string Name,
    string? ConnectionState,
    string? PowerState,
    bool InMaintenanceMode,
    string? CpuModel,
    int? NumCpuCores,
    int? CpuMhz,
    long? MemoryBytes,
    string? ProductFullName,
    ManagedObjectReference? Parent) : IVimRow<HostSystemSummaryRow>
{
    /// <inheritdoc />
    public static string ManagedObjectType => "HostSystem";

    /// <inheritdoc />
    public static IReadOnlyList<string> PropertyPaths { get; } =
    [
        "name", "summary.runtime.connectionState", "summary.runtime.powerState", "summary.runtime.inMaintenanceMode",
        "summary.hardware.cpuModel", "summary.hardware.numCpuCores", "summary.hardware.cpuMhz", "summary.hardware.memorySize",
        "summary.config.product.fullName", "parent",
    ];

    /// <inheritdoc />
    public static HostSystemSummaryRow FromContent(ObjectContent content) => new(
        content.Ref,
        content.GetString("name") ?? content.Ref.Value,
        content.GetString("summary.runtime.connectionState"),
        content.GetString("summary.runtime.powerState"),
        content.GetBoolean("summary.runtime.inMaintenanceMode") ?? false,
        content.GetString("summary.hardware.cpuModel"),
        content.GetInt32("summary.hardware.numCpuCores"),
        content.GetInt32("summary.hardware.cpuMhz"),
        content.GetInt64("summary.hardware.memorySize"),
        content.GetString("summary.config.product.fullName"),
        content.GetReference("parent"));
}
