using System.Net.Http.Headers;
using McVSphere.VSphere.Http;

namespace McVSphere.VSphere.Transfers;

/// <summary>
/// Large streamed transfers over their endpoint's pool (<see cref="TransferEndpoint"/>): a download opened as a
/// stream, an upload from a stream. Neither holds a file in memory. The request timeout
/// applies to idle time, not to the whole transfer: it is pushed back whenever bytes flow, so that a multi-gigabyte
/// disk is not cut off while a stalled connection still is.
/// </summary>
internal static class StreamedHttp
{
    private const int BufferSize = 1 << 20;

    /// <summary>GETs the endpoint's URL and returns its body as a stream, reporting progress as it is read.</summary>
    public static async Task<TransferDownload> OpenReadAsync(TransferEndpoint endpoint, string operation, IProgress<TransferProgress>? progress,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint.Uri);
        var response = await SendAsync(endpoint, request, operation, idle: null, cancellationToken).ConfigureAwait(false);
        try
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var length = response.Content.Headers.ContentLength;
            return new TransferDownload(response, new TransferProgressStream(body, length, progress, onActivity: null,
                error => HttpTransfer.Failure(endpoint, error, operation)), length);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="content"/> to the endpoint's URL (<paramref name="length"/> bytes; null: chunked),
    /// reporting progress as it is read, and fails on an HTTP error.
    /// </summary>
    public static async Task UploadAsync(TransferEndpoint endpoint, HttpMethod method, Stream content, long? length, string contentType,
        IReadOnlyDictionary<string, string>? headers, string operation, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var source = new TransferProgressStream(content, length, progress, () => idle.CancelAfter(endpoint.RequestTimeout), describeFailure: null);
        using var request = new HttpRequestMessage(method, endpoint.Uri) { Content = new StreamContent(source, BufferSize) };
        request.Content.Headers.ContentLength = length;
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        try
        {
            using var response = await SendAsync(endpoint, request, operation, idle, cancellationToken).ConfigureAwait(false);
        }
        catch (VSphereConnectionException error) when (source.EndedShort)
        {
            // Not the server's doing: the source had fewer bytes than announced.
            throw new VSphereException($"{operation} failed: its source ended after {source.BytesRead} of {length} bytes (a truncated or changing file).",
                error);
        }
    }

    /// <summary>
    /// Sends a request and returns the response once its headers are in, failing on an HTTP error. The deadline is
    /// <paramref name="idle"/> (pushed back by the request body as it flows) or, without it, the request timeout.
    /// </summary>
    private static async Task<HttpResponseMessage> SendAsync(TransferEndpoint endpoint, HttpRequestMessage request, string operation,
        CancellationTokenSource? idle, CancellationToken cancellationToken)
    {
        using var ownDeadline = idle is null ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken) : null;
        var deadline = idle ?? ownDeadline!;
        deadline.CancelAfter(endpoint.RequestTimeout);
        HttpResponseMessage response;
        try
        {
            response = await endpoint.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not VSphereException && !cancellationToken.IsCancellationRequested)
        {
            throw deadline.IsCancellationRequested ? endpoint.TimedOut(operation, error) : HttpTransfer.Failure(endpoint, error, operation);
        }
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            throw await HttpTransfer.ErrorOfAsync(request, response, operation, cancellationToken).ConfigureAwait(false);
        }
    }
}
