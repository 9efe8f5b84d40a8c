using System.Net.Http.Headers;
using System.Text.Json;
using McVSphere.Host.Configuration;
using McVSphere.Testing;
using ModelContextProtocol.Client;

namespace McVSphere.SecurityTests.Infrastructure;

/// <summary>One OpenID provider and one host with OAUTH_ENABLED=true against it, shared by the OAuth test classes.</summary>
public class OAuthHost : IAsyncLifetime
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private IsolatedHost? _host;
    private OidcProvider? _provider;
    private Dictionary<string, string?> _hostSettings = [];

    public OAuthHost()
        : this(new Dictionary<string, string?>())
    {
    }

    /// <param name="settings">Host settings beside the OAuth ones.</param>
    /// <param name="proxyMode">Run the host as an OAuth proxy (OAUTH_CLIENT_ID and OAUTH_CLIENT_SECRET of the provider's confidential client).</param>
    protected OAuthHost(IReadOnlyDictionary<string, string?> settings, bool proxyMode = false)
    {
        _settings = settings;
        ProxyMode = proxyMode;
    }

    public bool ProxyMode { get; }

    /// <summary>The callback of proxy mode, which the provider's confidential client redirects to.</summary>
    public Uri Callback => new(BaseUrl, "/auth/callback");

    public int Port { get; } = LoopbackPorts.Reserve();

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}");

    public Uri Endpoint => new(BaseUrl, "/mcp");

    public string AuditFile { get; } = Path.Combine(Path.GetTempPath(), $"mcvsphere-audit-{Guid.NewGuid():N}.jsonl");

    internal OidcProvider Provider => _provider!;

    /// <summary>The host process, for its stderr (logs; audit lines go to <see cref="AuditFile"/>).</summary>
    internal IsolatedHost Process => _host!;

    public async Task InitializeAsync()
    {
        _provider = await OidcProvider.StartAsync(Endpoint, proxyCallback: ProxyMode ? Callback : null);
        var settings = new Dictionary<string, string?>(_settings)
        {
            [HostSettings.OAuthEnabled.Name] = "true",
            [HostSettings.OAuthIssuerUrl.Name] = _provider.Issuer,
            [HostSettings.OAuthBaseUrl.Name] = BaseUrl.AbsoluteUri,
            [HostSettings.AuditFile.Name] = AuditFile,
            [HostSettings.AuditStderr.Name] = "false",
        };
        if (ProxyMode)
        {
            settings[HostSettings.OAuthClientId.Name] = OidcProvider.ProxyClientId;
            settings[HostSettings.OAuthClientSecret.Name] = OidcProvider.ProxyClientSecret;
        }
        _hostSettings = settings;
        _host = await IsolatedHost.StartHttpAsync(Port, settings);
    }

    /// <summary>
    /// Another instance with the same settings (OAUTH_BASE_URL still names the first), on a port of its own, as one of
    /// several behind a load balancer. The caller disposes it.
    /// </summary>
    internal async Task<(IsolatedHost Host, Uri BaseUrl)> StartAnotherInstanceAsync()
    {
        var port = LoopbackPorts.Reserve();
        return (await IsolatedHost.StartHttpAsync(port, _hostSettings), new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>An MCP SDK client on the streamable HTTP endpoint, sending <paramref name="token"/> as its bearer token.</summary>
    public Task<McpClient> ConnectAsync(string token, string protocolVersion = HostProcess.DefaultProtocolVersion) =>
        McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = Endpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" },
        }), new McpClientOptions { ProtocolVersion = protocolVersion });

    /// <summary>Posts an MCP initialize request with <paramref name="token"/> (or none) and returns the raw response.</summary>
    public async Task<HttpResponseMessage> PostInitializeAsync(string? token)
    {
        using var http = new HttpClient();
        using var request = RawMcpRequest.Initialize(Endpoint);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return await http.SendAsync(request);
    }

    /// <summary>Every audit line written so far.</summary>
    public IReadOnlyList<JsonElement> AuditLines()
    {
        using var stream = new FileStream(AuditFile, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
    }

    public virtual async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
        File.Delete(AuditFile);
    }
}

/// <summary>
/// An <see cref="OAuthHost"/> in proxy mode, as mcvsphere's OAuth deployment runs.
/// Origins are limited to one that is not the provider's, so that the provider's form_post to the callback passes only
/// because the callback is exempt from the Origin check. Client ID metadata documents come from <see cref="Documents"/>
/// on loopback, which the host trusts and may reach.
/// </summary>
public sealed class ProxyOAuthHost : OAuthHost
{
    public ProxyOAuthHost()
        : this(new TlsDocumentServer())
    {
    }

    private ProxyOAuthHost(TlsDocumentServer documents)
        : base(new Dictionary<string, string?>
        {
            [HostSettings.AllowedOrigins.Name] = "https://app.example.com",
            [HostSettings.OAuthClientMetadataNetworks.Name] = "127.0.0.0/8",
            ["SSL_CERT_FILE"] = documents.CertificateFile,
        }, proxyMode: true) => Documents = documents;

    internal TlsDocumentServer Documents { get; }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Documents.Dispose();
    }
}

/// <summary>An <see cref="OAuthHost"/> serving compact mode (one tool per family).</summary>
public sealed class CompactOAuthHost() : OAuthHost(new Dictionary<string, string?> { [HostSettings.ToolMode.Name] = "compact" });

[CollectionDefinition(Name)]
public sealed class OAuthHostCollection : ICollectionFixture<OAuthHost>
{
    public const string Name = "OAuth host";
}

/// <summary>An <see cref="OAuthHost"/> that lets each user hold two MCP sessions.</summary>
public sealed class SessionLimitedOAuthHost() : OAuthHost(new Dictionary<string, string?> { [HostSettings.MaxSessionsPerCaller.Name] = "2" });
