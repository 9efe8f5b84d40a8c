using System.Net;
using System.Net.Http.Headers;
using System.Text;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Net;

namespace McVSphere.Plugins.OvfOps;

/// <summary>
/// Reads OVF packages published on web servers (an <c>ovf_path</c> that is an http(s) URL), streamed, from the hosts
/// <see cref="UrlSourceOptions"/> allows only. Every request, the first and each redirect, is checked twice: its host
/// against the allowed names before it is sent, and every address that name resolves to when the connection is made
/// (so that neither a redirect nor a name that resolves to an internal address, at once or later, reaches anything the
/// administrator did not allow). Connections go direct (no proxy, which would connect on our behalf unchecked). One
/// HTTP client for the plugin's lifetime, with the system's certificate validation: these servers are not vCenter,
/// whose TLS settings do not apply to them.
/// </summary>
public sealed class WebDownloads : IDisposable
{
    private const int MaxRedirects = 5;

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan HeadersTimeout = TimeSpan.FromMinutes(1);

    private readonly UrlSourceOptions _options;

    private readonly HttpClient _http;

    internal WebDownloads(UrlSourceOptions options)
    {
        _options = options;
        _http = new HttpClient(CheckedConnections.Handler(options.Refusal, UrlSourceOptions.NetworksSetting, ConnectTimeout))
        {
            // Disks take long to stream; the wait for the response headers is bounded per request instead.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>
    /// GETs <paramref name="uri"/>, following redirects that pass the same checks; a refused URL, an HTTP error or an
    /// unreachable server is an error on <paramref name="argument"/>.
    /// </summary>
    internal async Task<SourceFile> OpenAsync(Uri uri, string argument, CancellationToken cancellationToken)
    {
        var display = Display(uri);
        var current = uri;
        for (var redirects = 0; ; redirects++)
        {
            RequireAllowed(current, argument, display);
            var response = await SendAsync(uri, current, argument, display, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return new SourceFile(await response.Content.ReadAsStreamAsync(cancellationToken), response.Content.Headers.ContentLength,
                    new ResponseOwner(response));
            }
            var status = response.StatusCode;
            var location = response.Headers.Location;
            var reason = response.ReasonPhrase;
            response.Dispose();
            if ((int)status is not (301 or 302 or 303 or 307 or 308))
            {
                throw ToolException.InvalidArgument(argument, status == HttpStatusCode.NotFound
                    ? $"{Display(current)} does not exist (HTTP 404)."
                    : $"{Display(current)} answered HTTP {(int)status} {reason}.");
            }
            var next = location is null ? null : location.IsAbsoluteUri ? location : new Uri(current, location);
            if (next is null || redirects == MaxRedirects)
            {
                throw ToolException.InvalidArgument(argument, next is null
                    ? $"{Display(current)} answered HTTP {(int)status} (a redirect) without saying where to."
                    : $"{display} redirects more than {MaxRedirects} times.");
            }
            if (current.Scheme == Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttps)
            {
                throw ToolException.Refused($"{Display(current)} redirects to {Display(next)}, from https to plain {next.Scheme}, which is refused.", argument);
            }
            current = next;
        }
    }

    /// <summary>
    /// Refuses a URL whose scheme is not http(s) or whose host is not allowed; <paramref name="display"/> is the URL the
    /// caller gave, when <paramref name="url"/> is where it redirected.
    /// </summary>
    private void RequireAllowed(Uri url, string argument, string display)
    {
        var via = Display(url) == display ? "" : $" (redirected from {display})";
        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
        {
            throw ToolException.Refused($"{argument}: {Display(url)}{via} is not an http(s) URL.", argument);
        }
        if (_options.Hosts.Count == 0)
        {
            throw ToolException.NotSupported(
                $"URL sources are disabled on this server ({argument} {Display(url)}): its administrator has not set {UrlSourceOptions.HostsSetting} " +
                "to the web servers packages may come from. Use a datastore path such as '[datastore] folder/appliance.ova', or a path under the file root, instead.");
        }
        if (!_options.AllowsHost(url.IdnHost))
        {
            throw ToolException.Refused(
                $"{argument}: the host '{url.Host}' of {Display(url)}{via} is not allowed: {UrlSourceOptions.HostsSetting} allows {string.Join(", ", _options.Hosts)}. " +
                $"Use a URL on one of those, or a datastore path.", argument);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(Uri original, Uri url, string argument, string display, CancellationToken cancellationToken)
    {
        // Credentials in the URL go to its own scheme, host and port only, never to where it redirects.
        using var request = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(url) { UserName = "", Password = "" }.Uri);
        if (original.UserInfo.Length > 0 && Uri.Compare(original, url, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) == 0)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(original.UserInfo))));
        }
        using var headers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        headers.CancelAfter(HeadersTimeout);
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headers.Token);
        }
        catch (Exception error) when (error is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var via = Display(url) == display ? "" : $" (redirected from {display})";
            // A refused address says why; any other failure says the same whatever happened (refused, reset, closed,
            // filtered, timed out), so that the answer does not tell what listens there.
            throw CheckedConnections.FindUnreachable(error) is { } unreachable
                ? unreachable.Refused
                    ? ToolException.Refused($"{argument}: {Display(url)}{via} is refused: {unreachable.Message}", argument)
                    : ToolException.InvalidArgument(argument, $"Could not download {Display(url)}{via}: {unreachable.Message}")
                : error is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError }
                    ? ToolException.InvalidArgument(argument, $"Could not download {Display(url)}{via}: TLS with {url.Authority} failed (is its certificate trusted by this server's system?).")
                    : ToolException.InvalidArgument(argument, $"Could not download {Display(url)}{via}: {url.Authority} gave no HTTP answer " +
                        $"(it could not be reached, refused the connection, closed it, or did not answer within {ConnectTimeout.TotalSeconds:0} s to connect and " +
                        $"{HeadersTimeout.TotalSeconds:0} s to answer).");
        }
    }

    /// <summary>The URL as errors show it: no user information (a password, often), query or fragment (a token, often).</summary>
    internal static string Display(Uri uri) => uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);

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
