using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Xml;

namespace McVSphere.VSphere.Http;

/// <summary>
/// The HTTP connection pool of a client, shared by SOAP, vAPI REST and vCenter's file transfers: a single
/// <see cref="SocketsHttpHandler"/> with the TLS policy of the options and the cookie jar that carries the
/// <c>vmware_soap_session</c> cookie. Transfers to ESXi hosts get a pool per host endpoint (<see cref="TransferTo"/>).
/// </summary>
internal sealed class VSphereHttp : IDisposable
{
    public const string SessionCookieName = "vmware_soap_session";

    public static readonly string UserAgent = "McVSphere/" + typeof(VSphereHttp).Assembly.GetName().Version?.ToString(3);

    private readonly ServerCertificateValidator _certificates;
    private readonly ConcurrentDictionary<(string Endpoint, string? Thumbprint), Lazy<HostTransferPool>> _hostPools = new();
    private readonly string _serverSetting;

    /// <param name="options">Server, TLS settings and timeouts.</param>
    /// <param name="handler">Replaces the socket handler (unit tests replay recorded responses through it).</param>
    public VSphereHttp(VSphereConnectionOptions options, HttpMessageHandler? handler = null)
    {
        SdkUri = options.GetSdkUri();
        RequestTimeout = options.RequestTimeout;
        ConnectTimeout = options.ConnectTimeout;
        _serverSetting = options.ServerSettingName;
        _certificates = new ServerCertificateValidator(options);
        handler ??= new SocketsHttpHandler
        {
            CookieContainer = Cookies,
            UseCookies = true,
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(50),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            ConnectTimeout = options.ConnectTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            SslOptions = { RemoteCertificateValidationCallback = _certificates.Validate },
        };
        Client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        Client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
    }

    /// <summary>The SDK endpoint, e.g. <c>https://vcenter/sdk</c>.</summary>
    public Uri SdkUri { get; }

    /// <summary>The limit of one request; requests carry their own deadline (the client's timeout is infinite).</summary>
    public TimeSpan RequestTimeout { get; }

    /// <summary>The limit of opening a connection: TCP connect and TLS handshake.</summary>
    public TimeSpan ConnectTimeout { get; }

    /// <summary>The HTTP client over the shared pool.</summary>
    public HttpClient Client { get; }

    /// <summary>The cookies of the server, including the session cookie.</summary>
    public CookieContainer Cookies { get; } = new();

    /// <summary>The current SOAP session cookie value, for endpoints that want it as a header (vAPI, NFC).</summary>
    public string? SessionCookie => Cookies.GetCookies(SdkUri)[SessionCookieName]?.Value;

    /// <summary>
    /// The endpoint of a transfer URL vSphere returned. A <c>*</c> host (as in <c>https://*/guestFile?id=…</c>) stands for
    /// the server the client talks to. A URL of another endpoint is an ESXi host's, trusted by
    /// <paramref name="hostThumbprint"/>, the thumbprint vCenter gives for the host (never by vCenter's pin).
    /// </summary>
    public TransferEndpoint TransferTo(string url, string? hostThumbprint)
    {
        var uri = ResolveTransferUrl(url);
        if (IsServer(uri))
        {
            return new TransferEndpoint(this, uri, host: null);
        }
        var endpoint = new Uri(uri.GetLeftPart(UriPartial.Authority));
        var thumbprint = ServerCertificateValidator.NormalizeHostThumbprint(hostThumbprint);
        var pool = _hostPools.GetOrAdd((endpoint.AbsoluteUri, thumbprint),
            key => new Lazy<HostTransferPool>(() => new HostTransferPool(endpoint, key.Thumbprint, _certificates.ForHost(key.Thumbprint), ConnectTimeout))).Value;
        return new TransferEndpoint(this, uri, pool);
    }

    /// <summary>A URL of vCenter's own (its <c>/folder</c> datastore files).</summary>
    public TransferEndpoint ServerTransfer(Uri uri) => new(this, uri, host: null);

    /// <summary>Whether <paramref name="url"/>, a transfer URL vSphere returned, names the server the client talks to.</summary>
    public bool IsServer(string url) => IsServer(ResolveTransferUrl(url));

    private bool IsServer(Uri uri) =>
        Uri.Compare(uri, SdkUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private Uri ResolveTransferUrl(string url)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd > 0 && url.AsSpan(schemeEnd + 3).StartsWith("*"))
        {
            var rest = url[(schemeEnd + 4)..];
            var pathStart = rest.IndexOfAny(['/', '?']);
            url = SdkUri.GetLeftPart(UriPartial.Authority) + (pathStart < 0 ? "/" : rest[pathStart..]);
        }
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http")
        {
            return uri;
        }
        var query = url.IndexOf('?', StringComparison.Ordinal);
        throw new VSphereException($"The server returned a transfer URL that is not an http(s) URL: {(query < 0 ? url : url[..query])}.");
    }

    /// <summary>
    /// Turns a failure to exchange a request with the server (or with the ESXi host of a transfer) into an exception that
    /// says what happened and what to change; returns null for errors that are not about the connection.
    /// </summary>
    public VSphereConnectionException? DescribeFailure(Exception error, string operation, HostTransferPool? host = null)
    {
        var server = (host?.Endpoint ?? SdkUri).GetLeftPart(UriPartial.Authority);
        if (FindInner<AuthenticationException>(error) is not null
            || error is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError })
        {
            var reason = (host?.Certificates ?? _certificates).LastRejection;
            var message = (reason, host) switch
            {
                (null, null) => $"The TLS handshake with {server} failed ({Innermost(error).Message}). If the server speaks plain HTTP, use an http:// URL in {_serverSetting}.",
                (null, _) => $"The TLS handshake with the ESXi host {server} failed during {operation} ({Innermost(error).Message}).",
                (_, null) => $"The TLS certificate of {server} was rejected: {reason}. To trust it, set VCENTER_CA_BUNDLE to a PEM file with the CA that issued it, " +
                    "or pin it with VCENTER_THUMBPRINT=<its SHA-256 fingerprint>, or set VCENTER_INSECURE=true to skip verification (test labs only).",
                ({ } why, { Thumbprint: not null }) => $"The TLS certificate of the ESXi host {server} was rejected during {operation}: {why}. vCenter gave that " +
                    "thumbprint with the transfer URL: if the host's certificate was renewed, reconnect the host in vCenter so that vCenter learns the new one; " +
                    "otherwise something between this server and the host answers in its name.",
                ({ } why, _) => $"The TLS certificate of the ESXi host {server} was rejected during {operation}: {why}. vCenter gives no thumbprint for the host, " +
                    "so its certificate must come from a CA the system or VCENTER_CA_BUNDLE trusts.",
            };
            return new VSphereConnectionException(SdkUri, message, error);
        }
        if (FindInner<SocketException>(error) is { SocketErrorCode: SocketError.ConnectionRefused })
        {
            return new VSphereConnectionException(SdkUri,
                $"Could not connect to {server}: the connection was refused. {(host is null ? $"Check {_serverSetting} and that vCenter is running and reachable." : HostReach)}", error);
        }
        if (error is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError })
        {
            return new VSphereConnectionException(SdkUri, $"Could not resolve the host name of {server}. {(host is null ? $"Check {_serverSetting}." : HostReach)}", error);
        }
        if (error is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } && FindInner<SocketException>(error) is { } socket
            && socket.SocketErrorCode is SocketError.TimedOut or SocketError.HostUnreachable or SocketError.NetworkUnreachable)
        {
            return new VSphereConnectionException(SdkUri,
                $"Could not connect to {server}: {socket.Message}. {(host is null ? $"Check {_serverSetting} and the network path." : HostReach)}", error);
        }
        // SocketsHttpHandler gives up a connection (TCP connect and TLS handshake) that outlives ConnectTimeout with a
        // cancellation that wraps a TimeoutException, though nobody cancelled.
        if (error is OperationCanceledException && FindInner<TimeoutException>(error) is not null)
        {
            return new VSphereConnectionException(SdkUri,
                $"{server} did not answer within {Seconds(ConnectTimeout)} while {operation} was opening a connection (TCP and TLS handshake). " +
                (host is null ? $"Check {_serverSetting} and that vCenter is up and reachable; a server that accepts connections but never answers is overloaded or is not vCenter." : HostReach),
                error);
        }
        if (error is HttpRequestException or IOException)
        {
            return new VSphereConnectionException(SdkUri,
                $"The connection to {server} was closed during {operation} without a complete response. The server may have failed on this " +
                "request: check whether it took effect before retrying.", error);
        }
        if (error is XmlException)
        {
            return new VSphereConnectionException(SdkUri, $"{server} answered {operation} with malformed XML ({error.Message}): is {SdkUri} a vSphere SDK endpoint?", error);
        }
        return null;
    }

    /// <summary>The exception for a request (to the server, or to the ESXi host of a transfer) that outlived <see cref="RequestTimeout"/>.</summary>
    public VSphereConnectionException TimedOut(string operation, Exception error, HostTransferPool? host = null) =>
        new(SdkUri, host is null
            ? $"{SdkUri.GetLeftPart(UriPartial.Authority)} did not answer {operation} within {Seconds(RequestTimeout)}. " +
              $"Check {_serverSetting} and that vCenter is up and not overloaded; the call may still have taken effect, so check before retrying."
            : $"The ESXi host {host.Endpoint.GetLeftPart(UriPartial.Authority)} did not answer {operation} within {Seconds(RequestTimeout)}. " +
              HostReach, error);

    /// <summary>What to check when an ESXi host's transfer endpoint cannot be reached.</summary>
    private const string HostReach =
        "Transfers of guest files and disks go to the ESXi host named in the URL vCenter gave, not through vCenter: check that this server can reach the host at that address and port (name resolution, routes, firewalls).";

    private static string Seconds(TimeSpan limit) => $"{limit.TotalSeconds:0.###} s";

    public void Dispose()
    {
        Client.Dispose();
        foreach (var pool in _hostPools.Values.Where(pool => pool.IsValueCreated))
        {
            pool.Value.Dispose();
        }
    }

    private static T? FindInner<T>(Exception error) where T : Exception
    {
        for (Exception? current = error; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }
        }
        return null;
    }

    private static Exception Innermost(Exception error) => error.InnerException is null ? error : Innermost(error.InnerException);
}
