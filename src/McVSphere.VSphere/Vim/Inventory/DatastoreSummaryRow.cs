using McVSphere.VSphere.Properties;

namespace McVSphere.VSphere.Vim;

/// <summary>One datastore of a listing, read in bulk: <c>client.Properties.RetrieveAsync&lt;DatastoreSummaryRow&gt;()</c>.</summary>
/// <param name="Ref">The datastore.</param>
/// <param name="Name">Its name.</param>
/// <param name="Type">File system type: <c>VMFS</c>, <c>NFS</c>, <c>vsan</c>, <c>VVOL</c>...</param>
/// <param name="CapacityBytes">Capacity in bytes.</param>
/// <param name="FreeSpaceBytes">Free space in bytes.</param>
/// <param name="Accessible">Whether it is reachable.</param>
/// <param name="Url">Its URL, e.g. <c>ds:///vmfs/volumes/…/</c>.</param>
/// <param name="MaintenanceMode"><c>normal</c>, <c>enteringMaintenance</c> or <c>inMaintenance</c>.</param>
public sealed record DatastoreSummaryRow(
    ManagedObjectReference Ref,
    string Name,
    string? Type,
    long? CapacityBytes,
    long? FreeSpaceBytes,
    bool Accessible,
    string? Url,
    string? MaintenanceMode) : IVimRow<DatastoreSummaryRow>
{
    /// <inheritdoc />
    public static string ManagedObjectType => "Datastore";

    /// <inheritdoc />
    public static IReadOnlyList<string> PropertyPaths { get; } =
    [
        "name", "summary.type", "summary.capacity", "summary.freeSpace", "summary.accessible", "summary.url", "summary.maintenanceMode",
    ];

    /// <inheritdoc />
    public static DatastoreSummaryRow FromContent(ObjectContent content) => new(
        content.Ref,
        content.GetString("name") ?? content.Ref.Value,
        content.GetString("summary.type"),
        content.GetInt64("summary.capacity"),
        content.GetInt64("summary.freeSpace"),
        content.GetBoolean("summary.accessible") ?? false,
        content.GetString("summary.url"),
        content.GetString("summary.maintenanceMode"));
}
