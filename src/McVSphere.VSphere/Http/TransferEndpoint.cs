namespace McVSphere.VSphere.Http;

/// <summary>
/// Where a transfer goes and the HTTP client that may go there: vCenter's own pool (TLS policy and session cookie of
/// the SOAP connection) for vCenter's URLs, or, for an ESXi host's (guest files, NFC disks through vCenter), a pool of
/// the host's own that trusts the certificate vCenter knows for the host and sends no vCenter cookie.
/// </summary>
internal sealed class TransferEndpoint
{
    private readonly VSphereHttp _http;
    private readonly HostTransferPool? _host;

    internal TransferEndpoint(VSphereHttp http, Uri uri, HostTransferPool? host)
    {
        _http = http;
        _host = host;
        Uri = uri;
    }

    /// <summary>The URL to call.</summary>
    public Uri Uri { get; }

    /// <summary>The client to call it with.</summary>
    public HttpClient Client => _host?.Client ?? _http.Client;

    /// <summary>The limit of one request, or of idle time in a streamed transfer.</summary>
    public TimeSpan RequestTimeout => _http.RequestTimeout;

    /// <summary>What a failure to exchange a request with the endpoint means; null for errors not about the connection.</summary>
    public VSphereConnectionException? DescribeFailure(Exception error, string operation) => _http.DescribeFailure(error, operation, _host);

    /// <summary>The exception for a request that outlived <see cref="RequestTimeout"/>.</summary>
    public VSphereConnectionException TimedOut(string operation, Exception error) => _http.TimedOut(operation, error, _host);
}

/// <summary>The connection pool of one ESXi host endpoint and the certificate it is trusted by.</summary>
internal sealed class HostTransferPool : IDisposable
{
    public HostTransferPool(Uri endpoint, string? thumbprint, ServerCertificateValidator certificates, TimeSpan connectTimeout)
    {
        Endpoint = endpoint;
        Thumbprint = thumbprint;
        Certificates = certificates;
        Client = new HttpClient(new SocketsHttpHandler
        {
            UseCookies = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(50),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            ConnectTimeout = connectTimeout,
            SslOptions = { RemoteCertificateValidationCallback = certificates.Validate },
        }, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        Client.DefaultRequestHeaders.UserAgent.ParseAdd(VSphereHttp.UserAgent);
    }

    /// <summary>The host's scheme, name and port.</summary>
    public Uri Endpoint { get; }

    /// <summary>The thumbprint vCenter gives for the host, normalised; null when it gives none.</summary>
    public string? Thumbprint { get; }

    public ServerCertificateValidator Certificates { get; }

    public HttpClient Client { get; }

    public void Dispose() => Client.Dispose();
}
