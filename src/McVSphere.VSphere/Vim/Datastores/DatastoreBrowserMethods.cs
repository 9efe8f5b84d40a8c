using McVSphere.VSphere.Tasks;

namespace McVSphere.VSphere.Vim;

/// <summary>One file or folder found by a datastore search (<c>FileInfo</c> and its subtypes).</summary>
/// <param name="Path">Its name within the folder searched.</param>
/// <param name="FileType">The <c>FileInfo</c> subtype without the suffix: <c>Folder</c>, <c>VmDisk</c>, <c>VmConfig</c>,
/// <c>VmLog</c>, <c>VmNvram</c>, <c>VmSnapshot</c>, <c>IsoImage</c>, <c>FloppyImage</c>, <c>TemplateConfig</c>, or <c>File</c>.</param>
/// <param name="SizeBytes">Its size, when asked for.</param>
/// <param name="Modified">When it was last modified, when asked for.</param>
/// <param name="Owner">Its owner, when asked for.</param>
/// <param name="Raw">The data object as read (disk details of <c>VmDiskFileInfo</c>...).</param>
public sealed record DatastoreFileInfo(string Path, string FileType, long? SizeBytes, DateTimeOffset? Modified, string? Owner, VimObject Raw)
{
    /// <summary>Whether it is a folder.</summary>
    public bool IsFolder => FileType == "Folder";

    /// <summary>Reads a <c>FileInfo</c> data object of any subtype.</summary>
    public static DatastoreFileInfo From(VimObject file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var type = file.TypeName is { } name && name.EndsWith("FileInfo", StringComparison.Ordinal) && name.Length > "FileInfo".Length
            ? name[..^"FileInfo".Length]
            : "File";
        return new DatastoreFileInfo(file.GetString("path") ?? "", type, file.GetInt64("fileSize"), file.GetDateTime("modification"),
            file.GetString("owner"), file);
    }
}

/// <summary>The result of a datastore search of one folder (<c>HostDatastoreBrowserSearchResults</c>).</summary>
/// <param name="FolderPath">The folder searched, as a datastore path (<c>[LocalDS_0] vm-01/</c>).</param>
/// <param name="Files">What it holds that matched.</param>
public sealed record DatastoreSearchResult(string FolderPath, IReadOnlyList<DatastoreFileInfo> Files)
{
    /// <summary>Reads a <c>HostDatastoreBrowserSearchResults</c> data object.</summary>
    public static DatastoreSearchResult From(VimObject results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return new DatastoreSearchResult(results.GetString("folderPath") ?? "",
            results.GetArray("file").OfType<VimObject>().Select(DatastoreFileInfo.From).ToArray());
    }
}

/// <summary>Typed calls of HostDatastoreBrowser methods.</summary>
public static class DatastoreBrowserMethods
{
    /// <summary>
    /// Lists one folder of a datastore (Datastore.browser, then HostDatastoreBrowser.SearchDatastore_Task) and waits for
    /// the search. <paramref name="datastorePath"/> is a datastore path such as <c>[LocalDS_0]</c> or <c>[LocalDS_0] iso/</c>.
    /// </summary>
    /// <exception cref="VimFaultException">FileNotFound: the folder does not exist.</exception>
    public static async Task<DatastoreSearchResult> SearchDatastoreAsync(this VSphereClient client, ManagedObjectReference datastore,
        string datastorePath, HostDatastoreBrowserSearchSpec spec, IProgress<VSphereTaskProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(datastore);
        ArgumentException.ThrowIfNullOrEmpty(datastorePath);
        ArgumentNullException.ThrowIfNull(spec);
        var content = await client.Properties.RetrieveAsync(datastore, ["browser"], cancellationToken).ConfigureAwait(false);
        var browser = content.GetReference("browser") ?? throw new VSphereException($"The datastore {datastore.Value} has no browser.");
        var result = await client.InvokeTaskAsync("SearchDatastore_Task", browser,
            [new VimArgument("datastorePath", datastorePath), new VimArgument("searchSpec", spec)], progress, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return result is VimObject results ? DatastoreSearchResult.From(results) : new DatastoreSearchResult(datastorePath, []);
    }

    /// <summary>The datastore path of a folder: <c>[name]</c> for the root, <c>[name] dir/sub</c> otherwise.</summary>
    public static string DatastorePath(string datastoreName, string? folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(datastoreName);
        var relative = folder?.Trim().Trim('/') ?? "";
        return relative.Length == 0 ? $"[{datastoreName}]" : $"[{datastoreName}] {relative}";
    }
}
