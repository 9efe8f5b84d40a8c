using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Transfers;

/// <summary>
/// The HTTP side of guest file transfers: the URLs of InitiateFileTransferFromGuest / InitiateFileTransferToGuest
/// (<see cref="GuestFileMethods"/>), streamed over the client's connection pool and TLS policy.
/// </summary>
public static class GuestFileTransfers
{
    /// <summary>
    /// Downloads a guest file from its transfer URL into <paramref name="destination"/>, copying at most
    /// <paramref name="maxBytes"/> (null: all) and saying whether there was more.
    /// </summary>
    /// <exception cref="VSphereTransferException">The server refused the download (expired URL, VM no longer running...).</exception>
    public static Task<DownloadResult> DownloadGuestFileAsync(this VSphereClient client, string transferUrl, Stream destination,
        long? maxBytes = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return HttpTransfer.DownloadAsync(client.Http, HttpTransfer.Resolve(client.Http, transferUrl), destination, maxBytes,
            "The guest file download", cancellationToken);
    }

    /// <summary>Uploads exactly <paramref name="length"/> bytes (the size given to InitiateFileTransferToGuest) to a guest file's transfer URL.</summary>
    /// <exception cref="VSphereTransferException">The server refused the upload (size mismatch, file created meanwhile...).</exception>
    public static Task UploadGuestFileAsync(this VSphereClient client, string transferUrl, Stream content, long length,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return HttpTransfer.UploadAsync(client.Http, HttpTransfer.Resolve(client.Http, transferUrl), content, length,
            "The guest file upload", cancellationToken);
    }
}
