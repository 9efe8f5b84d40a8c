using McVSphere.VSphere.Http;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Transfers;

/// <summary>
/// Datastore files over vCenter's <c>/folder</c> HTTP endpoint, authenticated by the session cookie (never by the
/// service account's password), streamed over the client's connection pool and TLS policy.
/// </summary>
public static class DatastoreFileTransfers
{
    /// <summary>
    /// Downloads a datastore file (GET <c>/folder/&lt;path&gt;?dcPath=&lt;datacenter&gt;&amp;dsName=&lt;datastore&gt;</c>) into
    /// <paramref name="destination"/>, copying at most <paramref name="maxBytes"/> (null: all) and saying whether there was more.
    /// </summary>
    /// <param name="client">The client, logged in.</param>
    /// <param name="datacenterPath">The inventory path of the datastore's datacenter, e.g. <c>DC0</c> or <c>Lab/DC0</c>.</param>
    /// <param name="file">The file, e.g. <c>[LocalDS_0] web-01/web-01-1.png</c>.</param>
    /// <param name="destination">Receives the bytes.</param>
    /// <param name="maxBytes">The most bytes to copy.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <exception cref="VSphereTransferException">HTTP 404: no such file or datastore.</exception>
    public static async Task<DownloadResult> DownloadDatastoreFileAsync(this VSphereClient client, string datacenterPath, DatastorePath file,
        Stream destination, long? maxBytes = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(datacenterPath);
        ArgumentException.ThrowIfNullOrEmpty(file.Path);
        // The session cookie goes with the request: log in first if nothing did yet.
        await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        return await HttpTransfer.DownloadAsync(FolderEndpoint(client, datacenterPath, file), destination, maxBytes,
            $"The download of {file}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>vCenter's <c>/folder</c> URL of a datastore file.</summary>
    internal static TransferEndpoint FolderEndpoint(VSphereClient client, string datacenterPath, DatastorePath file)
    {
        var path = string.Join('/', file.Path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.EscapeDataString));
        return client.Http.ServerTransfer(new Uri($"{client.ServerUri.GetLeftPart(UriPartial.Authority)}/folder/{path}" +
            $"?dcPath={Uri.EscapeDataString(datacenterPath)}&dsName={Uri.EscapeDataString(file.Datastore)}"));
    }
}
