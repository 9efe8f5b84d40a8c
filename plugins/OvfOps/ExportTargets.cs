using McVSphere.Sdk.Errors;
using McVSphere.VSphere;
using McVSphere.VSphere.Transfers;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.OvfOps;

/// <summary>
/// The folder an export writes into: a directory under the server's file root, or a folder of a datastore. Files are
/// named within it; each is written from a stream (never whole in memory), and can be read back, measured and deleted.
/// </summary>
internal abstract class ExportTarget
{
    /// <summary>A file of the folder, as the caller would recognise it.</summary>
    public abstract string Display(string name);

    public abstract Task<bool> ExistsAsync(string name, CancellationToken cancellationToken);

    /// <summary>Writes a file from <paramref name="content"/> (<paramref name="length"/> bytes when known), replacing it if it exists.</summary>
    public abstract Task WriteAsync(string name, Stream content, long? length, IProgress<TransferProgress>? progress, CancellationToken cancellationToken);

    public abstract Task<SourceFile> OpenAsync(string name, CancellationToken cancellationToken);

    /// <summary>The file's size as stored, read back.</summary>
    public abstract Task<long?> SizeAsync(string name, CancellationToken cancellationToken);

    /// <summary>Removes a file, if it is there; failures are ignored (it is cleanup after another error).</summary>
    public abstract Task DeleteQuietlyAsync(string name);

    /// <summary>A directory under the file root, created if missing.</summary>
    public static ExportTarget Local(string realDirectory) => new LocalTarget(realDirectory);

    /// <summary>A folder of a datastore, created if missing.</summary>
    public static async Task<ExportTarget> OnDatastoreAsync(VSphereClient client, DatastoreLocation datastore, string folder, CancellationToken cancellationToken)
    {
        if (folder.Length > 0)
        {
            switch (await DatastoreFiles.FindAsync(client, datastore, folder, cancellationToken))
            {
                case null:
                    await client.MakeDirectoryAsync(datastore.PathOf(folder), datastore.Datacenter.Ref, createParentDirectories: true, cancellationToken);
                    break;
                case { IsFolder: false } file:
                    throw ToolException.InvalidArgument("target_path", $"{file.Path} is a file; target_path must be a folder or an .ova path.");
            }
        }
        return new DatastoreTarget(client, datastore, folder);
    }

    private sealed class LocalTarget(string directory) : ExportTarget
    {
        public override string Display(string name) => Path.Combine(directory, name);

        public override Task<bool> ExistsAsync(string name, CancellationToken cancellationToken) => Task.FromResult(Path.Exists(Display(name)));

        public override async Task WriteAsync(string name, Stream content, long? length, IProgress<TransferProgress>? progress,
            CancellationToken cancellationToken)
        {
            await using var file = new FileStream(Display(name), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            var source = progress is null ? content : new TransferProgressStream(content, length, progress);
            await source.CopyToAsync(file, 1 << 20, cancellationToken);
        }

        public override Task<SourceFile> OpenAsync(string name, CancellationToken cancellationToken)
        {
            var file = new FileStream(Display(name), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            return Task.FromResult(new SourceFile(file, file.Length));
        }

        public override Task<long?> SizeAsync(string name, CancellationToken cancellationToken) =>
            Task.FromResult<long?>(File.Exists(Display(name)) ? new FileInfo(Display(name)).Length : null);

        public override Task DeleteQuietlyAsync(string name)
        {
            try
            {
                File.Delete(Display(name));
            }
            catch (IOException)
            {
                // Best effort.
            }
            return Task.CompletedTask;
        }
    }

    private sealed class DatastoreTarget(VSphereClient client, DatastoreLocation datastore, string folder) : ExportTarget
    {
        public override string Display(string name) => File(name).ToString();

        public override async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken) =>
            await DatastoreFiles.FindAsync(client, datastore, File(name).Path, cancellationToken) is not null;

        public override Task WriteAsync(string name, Stream content, long? length, IProgress<TransferProgress>? progress,
            CancellationToken cancellationToken) =>
            client.UploadDatastoreFileAsync(datastore.Datacenter.Path, File(name), content, length, progress, cancellationToken);

        public override async Task<SourceFile> OpenAsync(string name, CancellationToken cancellationToken)
        {
            var download = await client.OpenDatastoreFileAsync(datastore.Datacenter.Path, File(name), cancellationToken: cancellationToken);
            return new SourceFile(download.Content, download.Length, download);
        }

        public override async Task<long?> SizeAsync(string name, CancellationToken cancellationToken) =>
            (await DatastoreFiles.FindAsync(client, datastore, File(name).Path, cancellationToken))?.SizeBytes;

        public override async Task DeleteQuietlyAsync(string name)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
                await client.DeleteDatastoreFileAsync(File(name), datastore.Datacenter.Ref, cancellationToken: timeout.Token);
            }
            catch (Exception error) when (error is VSphereException or OperationCanceledException)
            {
                // Best effort: it may never have been written.
            }
        }

        private DatastorePath File(string name) => datastore.PathOf(folder.Length == 0 ? name : $"{folder}/{name}");
    }
}
