using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Transfers;

/// <summary>
/// The HTTP side of an NFC lease (<see cref="NfcLease"/>): uploading the files of an import to its device URLs and
/// downloading the disks of an export, streamed. Through vCenter a device URL names the ESXi host, trusted by the
/// lease's <c>sslThumbprint</c>; a <c>*</c> host stands for the server the client talks to.
/// </summary>
public static class NfcTransfers
{
    private const string StreamVmdk = "application/x-vnd.vmware-streamVmdk";
    private static readonly Dictionary<string, string> OverwriteHeaders = new(StringComparer.Ordinal) { ["Overwrite"] = "t" };

    /// <summary>
    /// Uploads one file of an import to its device URL: a disk as a stream-optimized VMDK (HTTP POST), any other file
    /// (an ISO image) as it is (HTTP PUT, replacing the placeholder).
    /// </summary>
    /// <param name="client">The client.</param>
    /// <param name="device">The lease's device URL for the file.</param>
    /// <param name="content">The file's bytes.</param>
    /// <param name="length">Its size (NFC needs it announced).</param>
    /// <param name="progress">Receives the bytes sent.</param>
    /// <param name="fileName">The file's name as the caller knows it, for messages.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <exception cref="VSphereTransferException">The host refused the file (lease no longer ready, bad disk format...).</exception>
    public static Task UploadNfcDeviceAsync(this VSphereClient client, HttpNfcLeaseDeviceUrl device, Stream content, long length,
        IProgress<TransferProgress>? progress = null, string? fileName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var operation = $"The upload of {fileName ?? device.ImportKey ?? device.Key}";
        return device.Disk
            ? StreamedHttp.UploadAsync(client.Http.TransferTo(device.Url, device.SslThumbprint), HttpMethod.Post, content, length, StreamVmdk,
                headers: null, operation, progress, cancellationToken)
            : StreamedHttp.UploadAsync(client.Http.TransferTo(device.Url, device.SslThumbprint), HttpMethod.Put, content, length,
                "application/octet-stream", OverwriteHeaders, operation, progress, cancellationToken);
    }

    /// <summary>Opens one disk of an export for reading (HTTP GET of its device URL).</summary>
    /// <exception cref="VSphereTransferException">The host refused it (lease no longer ready...).</exception>
    public static Task<TransferDownload> OpenNfcDeviceAsync(this VSphereClient client, HttpNfcLeaseDeviceUrl device,
        IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(device);
        return StreamedHttp.OpenReadAsync(client.Http.TransferTo(device.Url, device.SslThumbprint), $"The download of {device.TargetId ?? device.Key}",
            progress, cancellationToken);
    }
}
