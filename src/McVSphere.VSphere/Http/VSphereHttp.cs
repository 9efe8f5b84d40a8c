using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Xml;

namespace McVSphere.VSphere.Http;

/// <summary>
/// The one HTTP connection pool of a client, shared by SOAP and (later) vAPI REST and file transfers: a single
/// <see cref="SocketsHttpHandler"/> with the TLS policy of the options and the cookie jar that carries the
/// <c>vmware_soap_session</c> cookie.
/// </summary>
internal sealed class VSphereHttp : IDisposable
{
    public const string SessionCookieName = "vmware_soap_session";

    private readonly ServerCertificateValidator _certificates;
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
        Client.DefaultRequestHeaders.UserAgent.ParseAdd("McVSphere/" + typeof(VSphereHttp).Assembly.GetName().Version?.ToString(3));
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
    /// Turns a failure to exchange a request with the server into an exception that says what happened and what to
    /// change; returns null for errors that are not about the connection.
    /// </summary>
    public VSphereConnectionException? DescribeFailure(Exception error, string operation)
    {
        var server = SdkUri.GetLeftPart(UriPartial.Authority);
        if (FindInner<AuthenticationException>(error) is not null
            || error is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError })
        {
            var reason = _certificates.LastRejection;
            var message = reason is null
                ? $"The TLS handshake with {server} failed ({Innermost(error).Message}). If the server speaks plain HTTP, use an http:// URL in {_serverSetting}."
                : $"The TLS certificate of {server} was rejected: {reason}. To trust it, set VCENTER_CA_BUNDLE to a PEM file with the CA that issued it, " +
                  "or pin it with VCENTER_THUMBPRINT=<its SHA-256 fingerprint>, or set VCENTER_INSECURE=true to skip verification (test labs only).";
            return new VSphereConnectionException(SdkUri, message, error);
        }
        if (FindInner<SocketException>(error) is { SocketErrorCode: SocketError.ConnectionRefused })
        {
            return new VSphereConnectionException(SdkUri,
                $"Could not connect to {server}: the connection was refused. Check {_serverSetting} and that vCenter is running and reachable.", error);
        }
        if (error is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError })
        {
            return new VSphereConnectionException(SdkUri, $"Could not resolve the host name of {server}: check {_serverSetting}.", error);
        }
        if (error is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } && FindInner<SocketException>(error) is { } socket
            && socket.SocketErrorCode is SocketError.TimedOut or SocketError.HostUnreachable or SocketError.NetworkUnreachable)
        {
            return new VSphereConnectionException(SdkUri, $"Could not connect to {server}: {socket.Message}. Check {_serverSetting} and the network path.", error);
        }
        // SocketsHttpHandler gives up a connection (TCP connect and TLS handshake) that outlives ConnectTimeout with a
        // cancellation that wraps a TimeoutException, though nobody cancelled.
        if (error is OperationCanceledException && FindInner<TimeoutException>(error) is not null)
        {
            return new VSphereConnectionException(SdkUri,
                $"{server} did not answer within {Seconds(ConnectTimeout)} while {operation} was opening a connection (TCP and TLS handshake). " +
                $"Check {_serverSetting} and that vCenter is up and reachable; a server that accepts connections but never answers is overloaded or is not vCenter.", error);
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

    /// <summary>The exception for a request that outlived <see cref="RequestTimeout"/>.</summary>
    public VSphereConnectionException TimedOut(string operation, Exception error) =>
        new(SdkUri, $"{SdkUri.GetLeftPart(UriPartial.Authority)} did not answer {operation} within {Seconds(RequestTimeout)}. " +
            $"Check {_serverSetting} and that vCenter is up and not overloaded; the call may still have taken effect, so check before retrying.", error);

    private static string Seconds(TimeSpan limit) => $"{limit.TotalSeconds:0.###} s";

    public void Dispose() => Client.Dispose();

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
