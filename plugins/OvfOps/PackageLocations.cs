using System.Net;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Security;
using McVSphere.VSphere;
using McVSphere.VSphere.Transfers;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.OvfOps;

/// <summary>A file opened for reading: its bytes as they stream in, and its size when known.</summary>
internal sealed class SourceFile(Stream content, long? length, IAsyncDisposable? owner = null) : IAsyncDisposable
{
    public Stream Content { get; } = content;

    public long? Length { get; } = length;

    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync();
        if (owner is not null)
        {
            await owner.DisposeAsync();
        }
    }
}

/// <summary>
/// Where an OVF package, or a file beside its descriptor, is read from: a datastore file, a file under the server's
/// file root, or an http(s) URL. Written as the caller gives it: <c>[LocalDS_0] ovf/web.ovf</c>, or <c>ovf/web.ovf</c>
/// with a datastore (as the original mcvsphere reads it); <c>file:appliances/web.ova</c>; <c>https://example.com/web.ova</c>.
/// </summary>
internal abstract class PackageLocation(string argument)
{
    /// <summary>The prefix that marks a path under the server's file root (MCVSPHERE_FILE_ROOT).</summary>
    public const string LocalPrefix = "file:";

    /// <summary>The forms an ovf_path takes, for errors and tool descriptions.</summary>
    public const string Forms = "a datastore path ('[datastore] folder/appliance.ova', or 'folder/appliance.ova' with datastore), " +
        "'file:folder/appliance.ova' for a file under the server's file root (MCVSPHERE_FILE_ROOT), or an http(s) URL";

    /// <summary>The tool argument that named the package, for errors.</summary>
    public string Argument { get; } = argument;

    /// <summary>The location as the caller would recognise it.</summary>
    public abstract string Display { get; }

    /// <summary>The last segment of the path.</summary>
    public abstract string FileName { get; }

    public bool IsOva => FileName.EndsWith(".ova", StringComparison.OrdinalIgnoreCase);

    /// <summary>Opens the file; a missing file is an error on <see cref="Argument"/>.</summary>
    public abstract Task<SourceFile> OpenAsync(CancellationToken cancellationToken);

    /// <summary>The file <paramref name="href"/> (checked by <see cref="OvfDescriptor.CheckedHref"/>) in the same folder.</summary>
    public abstract PackageLocation Sibling(string href);

    public override string ToString() => Display;

    /// <summary>
    /// Reads an <c>ovf_path</c>: an http(s) URL (allowed by <see cref="WebDownloads"/>'s checks), <c>file:path</c> under the file root,
    /// a datastore path (<c>[datastore] path</c>), else a path on <paramref name="datastore"/>.
    /// </summary>
    public static async Task<PackageLocation> ParseAsync(string path, string? datastore, string argument, VSphereClient client, LocalFileRoot files,
        WebDownloads web, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw ToolException.InvalidArgument(argument, $"{argument} is required: {Forms}.");
        }
        path = path.Trim();
        if (UrlSourceAttribute.IsUrl(path, out var uri))
        {
            return new WebLocation(web, uri, argument);
        }
        if (path.StartsWith(LocalPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return new LocalLocation(files, files.ExistingFile(path[LocalPrefix.Length..], argument), argument);
        }
        if (DatastorePath.TryParse(path, out var onDatastore))
        {
            return await OnDatastoreAsync(onDatastore.Datastore, onDatastore.Path);
        }
        if (!string.IsNullOrWhiteSpace(datastore))
        {
            return await OnDatastoreAsync(datastore, path.TrimStart('/'));
        }
        throw ToolException.InvalidArgument(argument,
            $"{argument} '{path}' does not say where it is: give datastore, write '[datastore] {path.TrimStart('/')}', or '{LocalPrefix}{path}' " +
            "for a file under the server's file root (MCVSPHERE_FILE_ROOT).");

        async Task<PackageLocation> OnDatastoreAsync(string datastoreName, string relative)
        {
            var location = await client.LocateDatastoreAsync(datastoreName, cancellationToken);
            return new DatastoreFileLocation(client, location, DatastoreFiles.RelativePath(relative, location, argument), argument);
        }
    }

    private sealed class LocalLocation(LocalFileRoot files, string realPath, string argument) : PackageLocation(argument)
    {
        public override string Display => realPath;

        public override string FileName => Path.GetFileName(realPath);

        public override Task<SourceFile> OpenAsync(CancellationToken cancellationToken)
        {
            var stream = new FileStream(realPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, useAsync: true);
            return Task.FromResult(new SourceFile(stream, stream.Length));
        }

        // The sibling must exist now: a package with a missing disk is refused before anything is created in vSphere.
        public override PackageLocation Sibling(string href) =>
            new LocalLocation(files, files.ExistingSibling(realPath, href, Argument), Argument);
    }

    private sealed class DatastoreFileLocation(VSphereClient client, DatastoreLocation datastore, string path, string argument)
        : PackageLocation(argument)
    {
        public override string Display => datastore.PathOf(path).ToString();

        public override string FileName => path[(path.LastIndexOf('/') + 1)..];

        public override async Task<SourceFile> OpenAsync(CancellationToken cancellationToken)
        {
            try
            {
                var download = await client.OpenDatastoreFileAsync(datastore.Datacenter.Path, datastore.PathOf(path), cancellationToken: cancellationToken);
                return new SourceFile(download.Content, download.Length, download);
            }
            catch (VSphereTransferException error) when (error.StatusCode == HttpStatusCode.NotFound)
            {
                throw ToolException.InvalidArgument(Argument, $"{Display} does not exist (datastore '{datastore.Datastore.Name}' of datacenter {datastore.Datacenter.Path}).");
            }
        }

        public override PackageLocation Sibling(string href)
        {
            var folder = path.Contains('/', StringComparison.Ordinal) ? path[..path.LastIndexOf('/')] + "/" : "";
            return new DatastoreFileLocation(client, datastore, folder + href, Argument);
        }
    }

    private sealed class WebLocation(WebDownloads web, Uri uri, string argument) : PackageLocation(argument)
    {
        public override string Display => WebDownloads.Display(uri);

        public override string FileName => Uri.UnescapeDataString(uri.Segments[^1]);

        public override Task<SourceFile> OpenAsync(CancellationToken cancellationToken) => web.OpenAsync(uri, Argument, cancellationToken);

        public override PackageLocation Sibling(string href) => new WebLocation(web, new Uri(uri, href), Argument);
    }
}
