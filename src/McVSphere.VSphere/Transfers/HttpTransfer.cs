using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using McVSphere.VSphere.Http;

namespace McVSphere.VSphere.Transfers;

/// <summary>What a download copied.</summary>
/// <param name="Bytes">The bytes written to the destination.</param>
/// <param name="Truncated">The file had more than the limit; only the first <paramref name="Bytes"/> were copied.</param>
public readonly record struct DownloadResult(long Bytes, bool Truncated);

/// <summary>
/// Streamed GET and PUT of transfer URLs over their endpoint's pool (<see cref="TransferEndpoint"/>: vCenter's, with the
/// TLS policy and session cookie of the SOAP connection, or an ESXi host's). Bodies are copied through a small buffer:
/// a file is never held in memory.
/// </summary>
internal static class HttpTransfer
{
    private const int BufferSize = 81920;
    private static readonly MediaTypeHeaderValue OctetStream = new("application/octet-stream");

    /// <summary>GETs the endpoint's URL into <paramref name="destination"/>, at most <paramref name="maxBytes"/> bytes.</summary>
    public static async Task<DownloadResult> DownloadAsync(TransferEndpoint endpoint, Stream destination, long? maxBytes, string operation,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint.Uri);
        using var response = await SendAsync(endpoint, request, operation, cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return await CopyAsync(body, destination, maxBytes ?? long.MaxValue, endpoint, operation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>PUTs exactly <paramref name="length"/> bytes of <paramref name="content"/> to the endpoint's URL.</summary>
    public static async Task UploadAsync(TransferEndpoint endpoint, Stream content, long length, string operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        using var request = new HttpRequestMessage(HttpMethod.Put, endpoint.Uri) { Content = new StreamContent(content, BufferSize) };
        request.Content.Headers.ContentLength = length;
        request.Content.Headers.ContentType = OctetStream;
        using var response = await SendAsync(endpoint, request, operation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a request, waiting at most the request timeout for the response headers; fails on an HTTP error.</summary>
    private static async Task<HttpResponseMessage> SendAsync(TransferEndpoint endpoint, HttpRequestMessage request, string operation,
        CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(endpoint.RequestTimeout);
        HttpResponseMessage response;
        try
        {
            response = await endpoint.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not VSphereException && !cancellationToken.IsCancellationRequested)
        {
            if (deadline.IsCancellationRequested)
            {
                throw endpoint.TimedOut(operation, error);
            }
            throw Failure(endpoint, error, operation);
        }
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            throw await ErrorOfAsync(request, response, operation, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The exception for a transfer answered with an HTTP error: the status and the server's reason.</summary>
    internal static async Task<VSphereTransferException> ErrorOfAsync(HttpRequestMessage request, HttpResponseMessage response, string operation,
        CancellationToken cancellationToken)
    {
        var reason = await ReadReasonAsync(response, cancellationToken).ConfigureAwait(false);
        return new VSphereTransferException(response.StatusCode,
            $"{operation} failed: {request.Method} {request.RequestUri!.GetLeftPart(UriPartial.Path)} answered HTTP " +
            $"{(int)response.StatusCode} {response.ReasonPhrase}{(reason.Length > 0 ? ": " + reason : "")}.");
    }

    private static async Task<DownloadResult> CopyAsync(Stream body, Stream destination, long maxBytes, TransferEndpoint endpoint, string operation,
        CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long copied = 0;
            while (true)
            {
                // One byte past the limit is asked for, to tell a file of exactly the limit from a larger one.
                var room = maxBytes - copied;
                var want = room >= buffer.Length ? buffer.Length : (int)room + 1;
                int read;
                try
                {
                    read = await body.ReadAsync(buffer.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception error) when (error is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
                {
                    throw Failure(endpoint, error, operation);
                }
                if (read == 0)
                {
                    return new DownloadResult(copied, Truncated: false);
                }
                var kept = (int)Math.Min(read, room);
                await destination.WriteAsync(buffer.AsMemory(0, kept), cancellationToken).ConfigureAwait(false);
                copied += kept;
                if (kept < read)
                {
                    return new DownloadResult(copied, Truncated: true);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal static VSphereException Failure(TransferEndpoint endpoint, Exception error, string operation) =>
        endpoint.DescribeFailure(error, operation) ?? new VSphereException($"{operation} failed: {error.Message}", error);

    /// <summary>The start of an error body, as one line (servers answer transfer errors with a short text).</summary>
    private static async Task<string> ReadReasonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var line = string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.');
            return line.Length <= 300 && !line.StartsWith('<') ? line : "";
        }
        catch (Exception error) when (error is HttpRequestException or IOException)
        {
            return "";
        }
    }
}
