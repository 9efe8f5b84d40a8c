using System.ComponentModel;
using System.Text;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Progress;
using McVSphere.Sdk.Safety;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere.Transfers;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.OvfOps;

[McpServerToolType]
public sealed class DatastoreFileTools(IVSphereSession session, LocalFileRoot files)
{
    private const int DefaultInlineMegabytes = 10;
    private const int MaxInlineMegabytes = 100;
    private const int MinChunkSize = 4 << 10;
    private const int MaxChunkSize = 64 << 20;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [McpServerTool(Name = "upload_to_datastore", UseStructuredContent = true), Description(
        "Uploads a file to a datastore (HTTP PUT to vCenter's /folder endpoint), streamed with progress, creating missing folders and " +
        "replacing an existing file. The bytes come from local_path, a file under the server's file root (MCVSPHERE_FILE_ROOT), or " +
        "from content_base64. Returns datastore, path ('[datastore] folder/file'), size_bytes (read back from the datastore), bytes_sent, source.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("upload a file to [{datastore}] {remote_path}, replacing a file that is there")]
    public async Task<UploadedDatastoreFile> UploadToDatastore(
        [Description("The datastore's name.")] string datastore,
        [Description("The file to write, relative to the datastore's root, e.g. 'iso/ubuntu.iso'.")] string remote_path,
        IProgress<ProgressNotificationValue> progress,
        [Description("The file to upload, under the server's file root.")] string? local_path = null,
        [Description("The file's content, base64-encoded, instead of local_path (small files).")] string? content_base64 = null,
        [Description("How many bytes to read from local_path at a time (4 KiB to 64 MiB; default 1 MiB).")] int? chunk_size = null,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(local_path) == (content_base64 is null))
        {
            throw ToolException.InvalidArgument(nameof(local_path), "Give exactly one of local_path (a file under the server's file root) and content_base64.");
        }
        if (chunk_size is < MinChunkSize or > MaxChunkSize)
        {
            throw ToolException.InvalidArgument(nameof(chunk_size), $"chunk_size must be between {MinChunkSize} and {MaxChunkSize} bytes.");
        }
        var client = session.Client;
        var location = await client.LocateDatastoreAsync(datastore, cancellationToken);
        var path = DatastoreFiles.RelativePath(remote_path, location, nameof(remote_path));

        var source = local_path is null ? nameof(content_base64) : files.ExistingFile(local_path, nameof(local_path));
        Stream content = local_path is null
            ? new MemoryStream(DecodeBase64(content_base64!))
            : new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, chunk_size ?? (1 << 20), useAsync: true);
        var length = content.Length;
        await using (content)
        {
            await client.UploadDatastoreFileAsync(location.Datacenter.Path, location.PathOf(path), content, length,
                progress.ForTransfer($"Uploading {Path.GetFileName(path)}"), cancellationToken);
        }
        var written = await DatastoreFiles.RequireAsync(client, location, path, nameof(remote_path), cancellationToken);
        return new UploadedDatastoreFile(location.Datastore.Name, written.Path.ToString(), written.SizeBytes, length, source);
    }

    [McpServerTool(Name = "download_from_datastore", UseStructuredContent = true), Description(
        "Downloads a datastore file (HTTP GET from vCenter's /folder endpoint), streamed with progress: saved to save_to under the " +
        "server's file root (MCVSPHERE_FILE_ROOT; an existing file is replaced), or else returned inline — as text when it is UTF-8, " +
        "else base64 — if it is at most max_memory_mb. Returns datastore, path, size_bytes, and saved_to or encoding (utf-8|base64) and content.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("download [{datastore}] {path}, writing it to the server's file root when save_to is given (replacing a file there)")]
    public async Task<DownloadedDatastoreFile> DownloadFromDatastore(
        [Description("The datastore's name.")] string datastore,
        [Description("The file, relative to the datastore's root, e.g. 'logs/vmware.log'.")] string path,
        IProgress<ProgressNotificationValue> progress,
        [Description("Where to save it, under the server's file root; without it the content is returned inline.")] string? save_to = null,
        [Description("The largest file returned inline, in MB (default 10, at most 100).")] int? max_memory_mb = null,
        CancellationToken cancellationToken = default)
    {
        var limitMegabytes = max_memory_mb ?? DefaultInlineMegabytes;
        if (limitMegabytes is < 1 or > MaxInlineMegabytes)
        {
            throw ToolException.InvalidArgument(nameof(max_memory_mb), $"max_memory_mb must be between 1 and {MaxInlineMegabytes}; save larger files with save_to.");
        }
        var client = session.Client;
        var location = await client.LocateDatastoreAsync(datastore, cancellationToken);
        var relative = DatastoreFiles.RelativePath(path, location, nameof(path));
        var entry = await DatastoreFiles.RequireAsync(client, location, relative, nameof(path), cancellationToken);
        if (entry.IsFolder)
        {
            throw ToolException.InvalidArgument(nameof(path), $"{entry.Path} is a folder; browse_datastore lists it.");
        }
        var limit = (long)limitMegabytes << 20;
        if (save_to is null && entry.SizeBytes > limit)
        {
            throw ToolException.Refused($"{entry.Path} is {TransferProgressExtensions.Megabytes(entry.SizeBytes.Value)}, more than max_memory_mb " +
                $"({limitMegabytes} MB) allows inline: save it with save_to (under the server's file root), or raise max_memory_mb.", nameof(max_memory_mb));
        }
        var target = save_to is null ? null : files.FileToWrite(save_to, nameof(save_to), IfExists.Overwrite);

        await using var download = await client.OpenDatastoreFileAsync(location.Datacenter.Path, entry.Path,
            progress.ForTransfer($"Downloading {Path.GetFileName(relative)}"), cancellationToken);
        if (target is not null)
        {
            var size = await SaveAtomicallyAsync(download.Content, target, cancellationToken);
            return new DownloadedDatastoreFile(location.Datastore.Name, entry.Path.ToString(), size, target, Encoding: null, Content: null);
        }
        var buffer = new MemoryStream();
        await CopyAtMostAsync(download.Content, buffer, limit, entry.Path, cancellationToken);
        var bytes = buffer.ToArray();
        var text = AsText(bytes);
        return new DownloadedDatastoreFile(location.Datastore.Name, entry.Path.ToString(), bytes.LongLength, SavedTo: null,
            text is null ? "base64" : "utf-8", text ?? Convert.ToBase64String(bytes));
    }

    [McpServerTool(Name = "delete_datastore_file", Destructive = true, UseStructuredContent = true), Description(
        "Deletes a file, or a folder with everything in it, from a datastore (FileManager.DeleteDatastoreFile_Task). Files of registered " +
        "VMs should be removed with delete_vm or remove_disk instead. Returns deleted ('[datastore] path'), was_folder, size_bytes (of a file).")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("delete [{datastore}] {path} from the datastore (a folder with everything in it)", Destroys = true)]
    public async Task<DeletedDatastoreFile> DeleteDatastoreFile(
        [Description("The datastore's name.")] string datastore,
        [Description("The file or folder, relative to the datastore's root.")] string path,
        IProgress<ProgressNotificationValue> progress,
        CancellationToken cancellationToken = default)
    {
        var client = session.Client;
        var location = await client.LocateDatastoreAsync(datastore, cancellationToken);
        var relative = DatastoreFiles.RelativePath(path, location, nameof(path));
        var entry = await DatastoreFiles.RequireAsync(client, location, relative, nameof(path), cancellationToken);
        await client.DeleteDatastoreFileAsync(entry.Path, location.Datacenter.Ref, progress.ForVSphereTask("Deleting"), cancellationToken);
        if (await DatastoreFiles.FindAsync(client, location, relative, cancellationToken) is not null)
        {
            throw new ToolException(ToolErrorKind.NotSupported, $"vSphere reported {entry.Path} deleted, but it is still there.");
        }
        return new DeletedDatastoreFile(entry.Path.ToString(), entry.IsFolder, entry.SizeBytes);
    }

    [McpServerTool(Name = "create_datastore_folder", Idempotent = true, UseStructuredContent = true), Description(
        "Creates a folder on a datastore, with any missing parent folders (FileManager.MakeDirectory). A folder that exists already is " +
        "left as it is. Returns folder ('[datastore] path') and created (false when it existed).")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("create folder [{datastore}] {path}")]
    public async Task<DatastoreFolder> CreateDatastoreFolder(
        [Description("The datastore's name.")] string datastore,
        [Description("The folder, relative to the datastore's root, e.g. 'iso/linux'.")] string path,
        CancellationToken cancellationToken = default)
    {
        var client = session.Client;
        var location = await client.LocateDatastoreAsync(datastore, cancellationToken);
        var relative = DatastoreFiles.RelativePath(path, location, nameof(path));
        if (await DatastoreFiles.FindAsync(client, location, relative, cancellationToken) is { } existing)
        {
            return existing.IsFolder
                ? new DatastoreFolder(existing.Path.ToString(), Created: false)
                : throw ToolException.InvalidArgument(nameof(path), $"{existing.Path} is a file, so no folder can be created there.");
        }
        await client.MakeDirectoryAsync(location.PathOf(relative), location.Datacenter.Ref, createParentDirectories: true, cancellationToken);
        var created = await DatastoreFiles.RequireAsync(client, location, relative, nameof(path), cancellationToken);
        return new DatastoreFolder(created.Path.ToString(), Created: true);
    }

    [McpServerTool(Name = "move_datastore_file", UseStructuredContent = true), Description(
        "Moves or renames a file or folder, within a datastore or to another (FileManager.MoveDatastoreFile_Task). dest_datastore defaults " +
        "to the source's, dest_path to source_path; an existing folder as dest_path receives the item under its own name. An existing " +
        "destination file is not replaced. Returns source, destination, is_folder, size_bytes (read back at the destination).")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("move [{source_datastore}] {source_path} to datastore {dest_datastore}, path {dest_path}")]
    public Task<TransferredDatastoreFile> MoveDatastoreFile(
        [Description("The datastore holding the item.")] string source_datastore,
        [Description("The file or folder, relative to its datastore's root.")] string source_path,
        IProgress<ProgressNotificationValue> progress,
        [Description("The datastore to move to (default: the same).")] string? dest_datastore = null,
        [Description("The new path, relative to the destination datastore's root (default: source_path).")] string? dest_path = null,
        CancellationToken cancellationToken = default) =>
        TransferAsync(move: true, source_datastore, source_path, dest_datastore, dest_path, force: false, progress, cancellationToken);

    [McpServerTool(Name = "copy_datastore_file", UseStructuredContent = true), Description(
        "Copies a file or folder, within a datastore or to another (FileManager.CopyDatastoreFile_Task). dest_datastore defaults to the " +
        "source's, dest_path to source_path; an existing folder as dest_path receives the copy under its own name. An existing " +
        "destination file is replaced only with force=true. Returns source, destination, is_folder, size_bytes (read back at the destination).")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("copy [{source_datastore}] {source_path} to datastore {dest_datastore}, path {dest_path} (replacing what is there: {force})",
        DestroysWhen = "force")]
    public Task<TransferredDatastoreFile> CopyDatastoreFile(
        [Description("The datastore holding the item.")] string source_datastore,
        [Description("The file or folder, relative to its datastore's root.")] string source_path,
        IProgress<ProgressNotificationValue> progress,
        [Description("The datastore to copy to (default: the same).")] string? dest_datastore = null,
        [Description("The copy's path, relative to the destination datastore's root (default: source_path).")] string? dest_path = null,
        [Description("Replace an existing destination file (default false).")] bool force = false,
        CancellationToken cancellationToken = default) =>
        TransferAsync(move: false, source_datastore, source_path, dest_datastore, dest_path, force, progress, cancellationToken);

    private async Task<TransferredDatastoreFile> TransferAsync(bool move, string sourceDatastore, string sourcePath, string? destDatastore, string? destPath,
        bool force, IProgress<ProgressNotificationValue> progress, CancellationToken cancellationToken)
    {
        var client = session.Client;
        var from = await client.LocateDatastoreAsync(sourceDatastore, cancellationToken);
        var to = string.IsNullOrWhiteSpace(destDatastore) ? from : await client.LocateDatastoreAsync(destDatastore, cancellationToken);
        var sourceRelative = DatastoreFiles.RelativePath(sourcePath, from, "source_path");
        var source = await DatastoreFiles.RequireAsync(client, from, sourceRelative, "source_path", cancellationToken);
        var destinationRelative = string.IsNullOrWhiteSpace(destPath) ? sourceRelative : DatastoreFiles.RelativePath(destPath, to, "dest_path");

        // Into an existing folder: the item keeps its name there.
        var existing = await DatastoreFiles.FindAsync(client, to, destinationRelative, cancellationToken);
        if (existing is { IsFolder: true } && !(source.IsFolder && existing.Path == source.Path))
        {
            destinationRelative = $"{destinationRelative}/{sourceRelative[(sourceRelative.LastIndexOf('/') + 1)..]}";
            existing = await DatastoreFiles.FindAsync(client, to, destinationRelative, cancellationToken);
        }
        var destination = to.PathOf(destinationRelative);
        if (destination == source.Path)
        {
            throw ToolException.InvalidArgument("dest_path", $"The destination is the source itself ({source.Path}): give dest_path or dest_datastore.");
        }
        if (existing is not null && !force)
        {
            throw ToolException.Refused($"{destination} already exists; {(move ? "delete it first or choose another dest_path" : "pass force=true to replace it, or choose another dest_path")}.",
                "dest_path");
        }

        var taskProgress = progress.ForVSphereTask(move ? "Moving" : "Copying");
        if (move)
        {
            await client.MoveDatastoreFileAsync(source.Path, from.Datacenter.Ref, destination, to.Datacenter.Ref, force, taskProgress, cancellationToken);
        }
        else
        {
            await client.CopyDatastoreFileAsync(source.Path, from.Datacenter.Ref, destination, to.Datacenter.Ref, force, taskProgress, cancellationToken);
        }
        var result = await DatastoreFiles.RequireAsync(client, to, destinationRelative, "dest_path", cancellationToken);
        return new TransferredDatastoreFile(source.Path.ToString(), result.Path.ToString(), result.IsFolder, result.SizeBytes);
    }

    private static byte[] DecodeBase64(string content)
    {
        try
        {
            return Convert.FromBase64String(content);
        }
        catch (FormatException)
        {
            throw ToolException.InvalidArgument("content_base64", "content_base64 is not valid base64.");
        }
    }

    /// <summary>Writes the download beside the target and renames it into place, so that a failed download leaves no partial file.</summary>
    private static async Task<long> SaveAtomicallyAsync(Stream content, string target, CancellationToken cancellationToken)
    {
        var partial = $"{target}.partial-{Guid.NewGuid():N}";
        try
        {
            long size;
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await content.CopyToAsync(file, 1 << 20, cancellationToken);
                size = file.Length;
            }
            File.Move(partial, target, overwrite: true);
            return size;
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private static async Task CopyAtMostAsync(Stream content, Stream destination, long limit, DatastorePath path, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (destination.Length + read > limit)
            {
                throw ToolException.Refused($"{path} grew past max_memory_mb while it was read: save it with save_to instead.", "max_memory_mb");
            }
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    /// <summary>The bytes as text when they are UTF-8 without NUL characters; null for binary content.</summary>
    private static string? AsText(byte[] bytes)
    {
        if (Array.IndexOf(bytes, (byte)0) >= 0)
        {
            return null;
        }
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}

/// <summary>The result of upload_to_datastore.</summary>
public sealed record UploadedDatastoreFile(string Datastore, string Path, long? SizeBytes, long BytesSent, string Source);

/// <summary>The result of download_from_datastore.</summary>
public sealed record DownloadedDatastoreFile(string Datastore, string Path, long SizeBytes, string? SavedTo, string? Encoding, string? Content);

/// <summary>The result of delete_datastore_file.</summary>
public sealed record DeletedDatastoreFile(string Deleted, bool WasFolder, long? SizeBytes);

/// <summary>The result of create_datastore_folder.</summary>
public sealed record DatastoreFolder(string Folder, bool Created);

/// <summary>The result of move_datastore_file and copy_datastore_file.</summary>
public sealed record TransferredDatastoreFile(string Source, string Destination, bool IsFolder, long? SizeBytes);
