using McVSphere.VSphere.Http;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Transfers;

/// <summary>
/// The HTTP side of guest file transfers: the URLs of InitiateFileTransferFromGuest / InitiateFileTransferToGuest
/// (<see cref="GuestFileMethods"/>), streamed. Through vCenter they name the ESXi host that runs the VM, trusted by the
/// thumbprint vCenter gives for that host (<c>summary.config.sslThumbprint</c>).
/// </summary>
public static class GuestFileTransfers
{
    private static readonly IReadOnlyList<string> RunningHost = ["runtime.host"];
    private static readonly IReadOnlyList<string> HostThumbprint = ["summary.config.sslThumbprint"];

    /// <summary>
    /// Downloads a guest file of <paramref name="vm"/> from its transfer URL into <paramref name="destination"/>, copying at
    /// most <paramref name="maxBytes"/> (null: all) and saying whether there was more.
    /// </summary>
    /// <exception cref="VSphereTransferException">The server refused the download (expired URL, VM no longer running...).</exception>
    public static async Task<DownloadResult> DownloadGuestFileAsync(this VSphereClient client, ManagedObjectReference vm, string transferUrl,
        Stream destination, long? maxBytes = null, CancellationToken cancellationToken = default)
    {
        var endpoint = await EndpointAsync(client, vm, transferUrl, cancellationToken).ConfigureAwait(false);
        return await HttpTransfer.DownloadAsync(endpoint, destination, maxBytes, "The guest file download", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Uploads exactly <paramref name="length"/> bytes (the size given to InitiateFileTransferToGuest) to a guest file of
    /// <paramref name="vm"/> at its transfer URL.
    /// </summary>
    /// <exception cref="VSphereTransferException">The server refused the upload (size mismatch, file created meanwhile...).</exception>
    public static async Task UploadGuestFileAsync(this VSphereClient client, ManagedObjectReference vm, string transferUrl, Stream content, long length,
        CancellationToken cancellationToken = default)
    {
        var endpoint = await EndpointAsync(client, vm, transferUrl, cancellationToken).ConfigureAwait(false);
        await HttpTransfer.UploadAsync(endpoint, content, length, "The guest file upload", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The URL's endpoint; for a host's, the thumbprint vCenter gives for the host running the VM (two small reads).</summary>
    private static async Task<TransferEndpoint> EndpointAsync(VSphereClient client, ManagedObjectReference vm, string transferUrl,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(vm);
        if (client.Http.IsServer(transferUrl))
        {
            return client.Http.TransferTo(transferUrl, hostThumbprint: null);
        }
        var host = (await client.Properties.RetrieveAsync(vm, RunningHost, cancellationToken).ConfigureAwait(false)).GetReference("runtime.host");
        var thumbprint = host is null
            ? null
            : (await client.Properties.RetrieveAsync(host, HostThumbprint, cancellationToken).ConfigureAwait(false)).GetString("summary.config.sslThumbprint");
        return client.Http.TransferTo(transferUrl, thumbprint);
    }
}
