namespace McVSphere.VSphere.Transfers;

/// <summary>
/// A file being downloaded: read <see cref="Content"/> to the end (it streams from the server, a buffer at a time),
/// then dispose the download to release the connection.
/// </summary>
public sealed class TransferDownload : IAsyncDisposable, IDisposable
{
    private readonly HttpResponseMessage _response;

    internal TransferDownload(HttpResponseMessage response, Stream content, long? length)
    {
        _response = response;
        Content = content;
        Length = length;
    }

    /// <summary>The file's bytes, as they arrive. Read errors are <see cref="VSphereException"/>s naming the transfer.</summary>
    public Stream Content { get; }

    /// <summary>The file's size, when the server announced it (Content-Length).</summary>
    public long? Length { get; }

    /// <summary>Closes the stream and the response.</summary>
    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
    }

    /// <summary>Closes the stream and the response.</summary>
    public void Dispose()
    {
        Content.Dispose();
        _response.Dispose();
    }
}
