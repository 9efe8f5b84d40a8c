using McVSphere.Sdk.Datastores;
using McVSphere.Sdk.Errors;
using McVSphere.VSphere;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.OvfOps;

/// <summary>A file or folder on a datastore, found by the datastore browser.</summary>
/// <param name="Path">Its datastore path, <c>[datastore] folder/file</c>.</param>
/// <param name="IsFolder">Whether it is a folder.</param>
/// <param name="SizeBytes">Its size (files only).</param>
internal sealed record DatastoreEntry(DatastorePath Path, bool IsFolder, long? SizeBytes);

/// <summary>What the datastore file tools share: datastore lookup, path checks, and reading a file's details back.</summary>
internal static class DatastoreFiles
{
    private static readonly FileQueryFlags Details = new() { FileType = true, FileSize = true, Modification = true, FileOwner = false };

    /// <summary>A path inside the datastore as tools take it, by the Sdk's one rule (<see cref="DatastorePathArgument"/>); never empty.</summary>
    public static string RelativePath(string? path, DatastoreLocation datastore, string argument) =>
        DatastorePathArgument.Relative(path, datastore.Datastore.Name, argument);

    /// <summary>Finds a file or folder on a datastore (SearchDatastore_Task on its parent folder); null when it does not exist.</summary>
    public static async Task<DatastoreEntry?> FindAsync(VSphereClient client, DatastoreLocation datastore, string path, CancellationToken cancellationToken)
    {
        var slash = path.LastIndexOf('/');
        var name = path[(slash + 1)..];
        var folder = slash < 0 ? "" : path[..slash];
        try
        {
            var result = await client.SearchDatastoreAsync(datastore.Datastore.Ref, DatastoreBrowserMethods.DatastorePath(datastore.Datastore.Name, folder),
                new HostDatastoreBrowserSearchSpec { MatchPattern = [name], Details = Details }, cancellationToken: cancellationToken);
            return result.Files.FirstOrDefault(file => string.Equals(file.Path, name, StringComparison.Ordinal)) is { } found
                ? new DatastoreEntry(datastore.PathOf(path), found.IsFolder, found.IsFolder ? null : found.SizeBytes)
                : null;
        }
        catch (VimFaultException fault) when (fault.FaultType == VimFaultTypes.FileNotFound)
        {
            return null; // The folder itself does not exist.
        }
    }

    /// <summary>Like <see cref="FindAsync"/>, but a missing file is an error on <paramref name="argument"/>.</summary>
    public static async Task<DatastoreEntry> RequireAsync(VSphereClient client, DatastoreLocation datastore, string path, string argument,
        CancellationToken cancellationToken) =>
        await FindAsync(client, datastore, path, cancellationToken)
        ?? throw ToolException.InvalidArgument(argument, $"{datastore.PathOf(path)} does not exist; browse_datastore lists what the datastore holds.");
}
