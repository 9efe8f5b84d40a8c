using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Transfers;

/// <summary>
/// Streamed uploads and downloads of datastore files of any size through vCenter's <c>/folder</c> endpoint
/// (<c>/folder/&lt;path&gt;?dcPath=&lt;datacenter&gt;&amp;dsName=&lt;datastore&gt;</c>), with the session cookie, TLS policy and
/// connection pool of the SOAP connection, and progress. For small files read whole, see
/// <see cref="DatastoreFileTransfers"/>.
/// </summary>
public static class DatastoreTransfers
{
    /// <summary>
    /// Uploads <paramref name="length"/> bytes of <paramref name="content"/> to a datastore file (HTTP PUT), creating
    /// missing folders and replacing an existing file.
    /// </summary>
    /// <param name="client">The client.</param>
    /// <param name="datacenterPath">The inventory path of the datastore's datacenter (<see cref="DatastoreLocation.Datacenter"/>).</param>
    /// <param name="file">The file to write, e.g. <c>[LocalDS_0] iso/x.iso</c>.</param>
    /// <param name="content">The bytes, read once from its current position.</param>
    /// <param name="length">How many bytes <paramref name="content"/> holds; null sends it chunked, for servers that accept that.</param>
    /// <param name="progress">Receives the bytes sent.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <exception cref="VSphereTransferException">The server refused it (HTTP 404: no such datastore; 403: no permission...).</exception>
    public static async Task UploadDatastoreFileAsync(this VSphereClient client, string datacenterPath, DatastorePath file, Stream content, long? length,
        IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(datacenterPath);
        ArgumentException.ThrowIfNullOrEmpty(file.Path);
        // The session cookie goes with the request: log in first if nothing did yet.
        await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        await StreamedHttp.UploadAsync(DatastoreFileTransfers.FolderEndpoint(client, datacenterPath, file), HttpMethod.Put, content, length,
            "application/octet-stream", headers: null, $"The upload to {file}", progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens a datastore file for reading (HTTP GET): the bytes stream in as <see cref="TransferDownload.Content"/> is read.</summary>
    /// <param name="client">The client.</param>
    /// <param name="datacenterPath">The inventory path of the datastore's datacenter (<see cref="DatastoreLocation.Datacenter"/>).</param>
    /// <param name="file">The file to read, e.g. <c>[LocalDS_0] iso/x.iso</c>.</param>
    /// <param name="progress">Receives the bytes read.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="VSphereTransferException">HTTP 404: no such file or datastore.</exception>
    public static async Task<TransferDownload> OpenDatastoreFileAsync(this VSphereClient client, string datacenterPath, DatastorePath file,
        IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(datacenterPath);
        ArgumentException.ThrowIfNullOrEmpty(file.Path);
        await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        return await StreamedHttp.OpenReadAsync(DatastoreFileTransfers.FolderEndpoint(client, datacenterPath, file), $"The download of {file}",
            progress, cancellationToken).ConfigureAwait(false);
    }
}
