using System.Net;
using McVSphere.Sdk.Errors;

namespace McVSphere.Plugins.OvfOps;

/// <summary>
/// Reads OVF packages published on web servers (an <c>ovf_path</c> that is an http(s) URL), streamed. One HTTP client
/// for the plugin's lifetime, with the system's certificate validation: these servers are not vCenter, whose TLS
/// settings do not apply to them.
/// </summary>
public sealed class WebDownloads : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(30),
        MaxAutomaticRedirections = 5,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        // Disks take long to stream; the wait for the response headers is bounded per request instead.
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private static readonly TimeSpan HeadersTimeout = TimeSpan.FromMinutes(1);

    /// <summary>GETs <paramref name="uri"/>; an HTTP error or an unreachable server is an error on <paramref name="argument"/>.</summary>
    internal async Task<SourceFile> OpenAsync(Uri uri, string argument, CancellationToken cancellationToken)
    {
        var display = uri.GetLeftPart(UriPartial.Path);
        using var headers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        headers.CancelAfter(HeadersTimeout);
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, headers.Token);
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw ToolException.InvalidArgument(argument, $"Could not download {display}: {error.Message}");
        }
        if (!response.IsSuccessStatusCode)
        {
            response.Dispose();
            throw ToolException.InvalidArgument(argument, response.StatusCode == HttpStatusCode.NotFound
                ? $"{display} does not exist (HTTP 404)."
                : $"{display} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");
        }
        return new SourceFile(await response.Content.ReadAsStreamAsync(cancellationToken), response.Content.Headers.ContentLength,
            new ResponseOwner(response));
    }

    public void Dispose() => _http.Dispose();

    private sealed class ResponseOwner(HttpResponseMessage response) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            response.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
