using System.ComponentModel;
using McVSphere.Sdk.Datastores;
using McVSphere.Sdk.Progress;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Tasks;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.Inventory;

[McpServerToolType]
public sealed class DatastoreTools(IVSphereSession session)
{
    /// <summary>Datastores can hold thousands of VMs: name this many and count the rest.</summary>
    private const int MaxVmNames = 50;

    [McpServerTool(Name = "get_datastore_info", UseStructuredContent = true), Description(
        "Capacity, usage and users of one datastore: name, type (VMFS|NFS|NFS41|vsan|VVOL...), url, accessible, maintenance_mode, " +
        "capacity_gb, free_gb, used_gb, used_percent, provisioned_gb (used plus thin-provisioned space not yet written), " +
        "hosts (names of the hosts that mount it), vm_count, vms (names, sorted; at most 50, vm_count counts them all).")]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<DatastoreInfo> GetDatastoreInfo(
        [Description("The datastore's name (or inventory path).")] string name,
        CancellationToken cancellationToken = default)
    {
        var client = session.Client;
        var datastore = await client.Lookup.FindAsync(VSphereObjectKind.Datastore, name, cancellationToken);
        var details = await client.Properties.RetrieveAsync(datastore.Ref, ["summary", "host", "vm"], cancellationToken);
        var hostMounts = details.GetArray("host").OfType<VimObject>().Select(mount => mount.GetReference("key")).ToArray();
        var vms = details.GetReferences("vm");
        var names = await client.Properties.ReadNamesAsync(hostMounts.Concat(vms), cancellationToken);

        var capacity = details.GetInt64("summary.capacity") ?? 0;
        var free = details.GetInt64("summary.freeSpace") ?? 0;
        var uncommitted = details.GetInt64("summary.uncommitted") ?? 0;
        return new DatastoreInfo(
            datastore.Name,
            details.GetString("summary.type"),
            details.GetString("summary.url"),
            details.GetBoolean("summary.accessible") ?? false,
            details.GetString("summary.maintenanceMode"),
            Units.Gigabytes(capacity),
            Units.Gigabytes(free),
            Units.Gigabytes(capacity - free),
            Units.Percent(capacity - free, capacity) ?? 0,
            Units.Gigabytes(capacity - free + uncommitted),
            hostMounts.OfType<ManagedObjectReference>().Select(host => names.GetValueOrDefault(host, host.Value)).Order(StringComparer.Ordinal).ToArray(),
            vms.Count,
            vms.Select(vm => names.GetValueOrDefault(vm, vm.Value)).Order(StringComparer.Ordinal).Take(MaxVmNames).ToArray());
    }

    [McpServerTool(Name = "browse_datastore", UseStructuredContent = true), Description(
        "Lists one folder of a datastore (HostDatastoreBrowser.SearchDatastore_Task): datastore, path, folder_path (datastore path " +
        "searched, e.g. '[LocalDS_0] web-01'), count, files [{name, type (Folder|VmDisk|VmConfig|VmLog|VmNvram|VmSnapshot|IsoImage|" +
        "FloppyImage|File), size_bytes, modified}], folders first, then by name. A missing folder is an error (FileNotFound).")]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<DatastoreListing> BrowseDatastore(
        [Description("The datastore's name.")] string datastore,
        IProgress<ProgressNotificationValue> progress,
        [Description("The folder within the datastore, e.g. 'web-01' or 'iso/linux' (default: the root).")] string? path = null,
        CancellationToken cancellationToken = default) =>
        await DatastoreBrowsing.ListFolderAsync(session.Client, datastore, path, progress.ForVSphereTask("Browsing the datastore"), cancellationToken);
}

/// <summary>Folder listings, shared by browse_datastore and the datastore://{datastore_name} resource.</summary>
internal static class DatastoreBrowsing
{
    private static readonly HostDatastoreBrowserSearchSpec ListEverything = new()
    {
        MatchPattern = ["*"],
        Details = new FileQueryFlags { FileType = true, FileSize = true, Modification = true, FileOwner = false },
        SortFoldersFirst = true,
    };

    public static async Task<DatastoreListing> ListFolderAsync(VSphereClient client, string datastoreName, string? path,
        IProgress<VSphereTaskProgress>? progress, CancellationToken cancellationToken)
    {
        var datastore = await client.Lookup.FindAsync(VSphereObjectKind.Datastore, datastoreName, cancellationToken);
        var folder = DatastorePathArgument.Relative(path, datastore.Name, nameof(path), allowRoot: true);
        var result = await client.SearchDatastoreAsync(datastore.Ref, DatastoreBrowserMethods.DatastorePath(datastore.Name, folder), ListEverything,
            progress, cancellationToken);
        var files = result.Files
            .OrderBy(file => file.IsFolder ? 0 : 1)
            .ThenBy(file => file.Path, StringComparer.OrdinalIgnoreCase)
            .Select(file => new DatastoreFile(file.Path, file.FileType, file.SizeBytes, file.Modified))
            .ToArray();
        return new DatastoreListing(datastore.Name, folder, result.FolderPath, files.Length, files);
    }
}

/// <summary>The result of get_datastore_info.</summary>
public sealed record DatastoreInfo(
    string Name,
    string? Type,
    string? Url,
    bool Accessible,
    string? MaintenanceMode,
    double CapacityGb,
    double FreeGb,
    double UsedGb,
    double UsedPercent,
    double ProvisionedGb,
    IReadOnlyList<string> Hosts,
    int VmCount,
    IReadOnlyList<string> Vms);

/// <summary>A file or folder of a datastore listing.</summary>
public sealed record DatastoreFile(string Name, string Type, long? SizeBytes, DateTimeOffset? Modified);

/// <summary>The result of browse_datastore and datastore://{datastore_name}.</summary>
public sealed record DatastoreListing(string Datastore, string Path, string FolderPath, int Count, IReadOnlyList<DatastoreFile> Files);
