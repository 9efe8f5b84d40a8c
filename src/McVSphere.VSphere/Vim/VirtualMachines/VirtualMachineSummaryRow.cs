using McVSphere.VSphere.Properties;

namespace McVSphere.VSphere.Vim;

/// <summary>
/// One VM of a listing, read in bulk from <c>summary</c> fields (no per-VM call):
/// <c>await client.Properties.RetrieveAsync&lt;VirtualMachineSummaryRow&gt;()</c>.
/// </summary>
/// <param name="Ref">The VM.</param>
/// <param name="Name">Its name.</param>
/// <param name="PowerState">Its power state.</param>
/// <param name="NumCpu">Virtual CPUs.</param>
/// <param name="MemoryMB">Memory in MB.</param>
/// <param name="GuestFullName">The guest OS, as configured or reported by VMware Tools.</param>
/// <param name="IpAddress">The primary IP address reported by VMware Tools.</param>
/// <param name="Host">The host it runs on.</param>
/// <param name="ToolsStatus">VMware Tools status, e.g. <c>toolsOk</c>, <c>toolsNotInstalled</c>.</param>
/// <param name="IsTemplate">Whether it is a template.</param>
public sealed record VirtualMachineSummaryRow(
    ManagedObjectReference Ref,
    string Name,
    VirtualMachinePowerState PowerState,
    int? NumCpu,
    int? MemoryMB,
    string? GuestFullName,
    string? IpAddress,
    ManagedObjectReference? Host,
    string? ToolsStatus,
    bool IsTemplate) : IVimRow<VirtualMachineSummaryRow>
{
    /// <inheritdoc />
    public static string ManagedObjectType => "VirtualMachine";

    /// <inheritdoc />
    public static IReadOnlyList<string> PropertyPaths { get; } =
    [
        "name", "summary.runtime.powerState", "summary.config.numCpu", "summary.config.memorySizeMB", "summary.config.guestFullName",
        "summary.guest.ipAddress", "summary.runtime.host", "summary.guest.toolsStatus", "summary.config.template",
    ];

    /// <inheritdoc />
    public static VirtualMachineSummaryRow FromContent(ObjectContent content) => new(
        content.Ref,
        content.GetString("name") ?? content.Ref.Value,
        content.GetEnum("summary.runtime.powerState", VirtualMachinePowerState.Unknown) ?? VirtualMachinePowerState.Unknown,
        content.GetInt32("summary.config.numCpu"),
        content.GetInt32("summary.config.memorySizeMB"),
        content.GetString("summary.config.guestFullName"),
        content.GetString("summary.guest.ipAddress"),
        content.GetReference("summary.runtime.host"),
        content.GetString("summary.guest.toolsStatus"),
        content.GetBoolean("summary.config.template") ?? false);
}
