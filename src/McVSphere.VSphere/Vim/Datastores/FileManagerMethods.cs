using McVSphere.VSphere.Tasks;

namespace McVSphere.VSphere.Vim;

/// <summary>
/// Typed calls of the FileManager: datastore files and folders by datastore path (<c>[LocalDS_0] iso/x.iso</c>), each
/// with the datacenter of its datastore. The <c>*_Task</c> ones wait for the task, report its progress, and throw its
/// fault (FileNotFound, FileAlreadyExists, CannotDeleteFile...).
/// </summary>
public static class FileManagerMethods
{
    /// <summary>Deletes a file or a folder with everything in it (DeleteDatastoreFile_Task).</summary>
    public static async Task DeleteDatastoreFileAsync(this VSphereClient client, DatastorePath path, ManagedObjectReference datacenter,
        IProgress<VSphereTaskProgress>? progress = null, CancellationToken cancellationToken = default) =>
        await client.InvokeTaskAsync("DeleteDatastoreFile_Task", await FileManagerAsync(client, cancellationToken).ConfigureAwait(false),
            [new VimArgument("name", path.ToString()), new VimArgument("datacenter", datacenter)], progress, cancellationToken: cancellationToken)
            .ConfigureAwait(false);

    /// <summary>Creates a folder (MakeDirectory), and its missing parents when <paramref name="createParentDirectories"/>.</summary>
    public static async Task MakeDirectoryAsync(this VSphereClient client, DatastorePath path, ManagedObjectReference datacenter,
        bool createParentDirectories, CancellationToken cancellationToken = default) =>
        await client.InvokeAsync("MakeDirectory", await FileManagerAsync(client, cancellationToken).ConfigureAwait(false),
            [new VimArgument("name", path.ToString()), new VimArgument("datacenter", datacenter), new VimArgument("createParentDirectories", createParentDirectories)],
            cancellationToken).ConfigureAwait(false);

    /// <summary>Moves (renames) a file or folder, possibly to another datastore (MoveDatastoreFile_Task).</summary>
    /// <param name="client">The client.</param>
    /// <param name="source">What to move.</param>
    /// <param name="sourceDatacenter">The datacenter of its datastore.</param>
    /// <param name="destination">Where to.</param>
    /// <param name="destinationDatacenter">The datacenter of the destination's datastore.</param>
    /// <param name="force">Overwrite an existing destination (else FileAlreadyExists).</param>
    /// <param name="progress">Receives the task's progress.</param>
    /// <param name="cancellationToken">Cancels the wait and the task.</param>
    public static async Task MoveDatastoreFileAsync(this VSphereClient client, DatastorePath source, ManagedObjectReference sourceDatacenter,
        DatastorePath destination, ManagedObjectReference destinationDatacenter, bool force = false,
        IProgress<VSphereTaskProgress>? progress = null, CancellationToken cancellationToken = default) =>
        await client.InvokeTaskAsync("MoveDatastoreFile_Task", await FileManagerAsync(client, cancellationToken).ConfigureAwait(false),
            TransferArguments(source, sourceDatacenter, destination, destinationDatacenter, force), progress, cancellationToken: cancellationToken)
            .ConfigureAwait(false);

    /// <summary>Copies a file or folder, possibly to another datastore (CopyDatastoreFile_Task).</summary>
    /// <param name="client">The client.</param>
    /// <param name="source">What to copy.</param>
    /// <param name="sourceDatacenter">The datacenter of its datastore.</param>
    /// <param name="destination">Where to.</param>
    /// <param name="destinationDatacenter">The datacenter of the destination's datastore.</param>
    /// <param name="force">Overwrite an existing destination (else FileAlreadyExists).</param>
    /// <param name="progress">Receives the task's progress.</param>
    /// <param name="cancellationToken">Cancels the wait and the task.</param>
    public static async Task CopyDatastoreFileAsync(this VSphereClient client, DatastorePath source, ManagedObjectReference sourceDatacenter,
        DatastorePath destination, ManagedObjectReference destinationDatacenter, bool force = false,
        IProgress<VSphereTaskProgress>? progress = null, CancellationToken cancellationToken = default) =>
        await client.InvokeTaskAsync("CopyDatastoreFile_Task", await FileManagerAsync(client, cancellationToken).ConfigureAwait(false),
            TransferArguments(source, sourceDatacenter, destination, destinationDatacenter, force), progress, cancellationToken: cancellationToken)
            .ConfigureAwait(false);

    private static VimArgument[] TransferArguments(DatastorePath source, ManagedObjectReference sourceDatacenter,
        DatastorePath destination, ManagedObjectReference destinationDatacenter, bool force) =>
    [
        new("sourceName", source.ToString()), new("sourceDatacenter", sourceDatacenter),
        new("destinationName", destination.ToString()), new("destinationDatacenter", destinationDatacenter), new("force", force),
    ];

    private static async Task<ManagedObjectReference> FileManagerAsync(VSphereClient client, CancellationToken cancellationToken) =>
        (await client.ConnectAsync(cancellationToken).ConfigureAwait(false)).FileManager
        ?? throw VimFaults.NotSupported("datastore file operations", "FileManager");
}
