using McVSphere.Sdk.Security;

namespace McVSphere.Host.Security;

/// <summary>Who may call what, how callers prove who they are, and where calls are recorded.</summary>
public sealed record SecurityOptions
{
    /// <summary>Bearer-token authentication on the HTTP endpoint; null when OAuth is off.</summary>
    public OAuthSettings? OAuth { get; init; }

    /// <summary>The level each OAuth group grants.</summary>
    public RoleMap RoleMap { get; init; } = RoleMap.Default;

    /// <summary>The level of a caller who is not authenticated by OAuth: the stdio user, or any HTTP caller when OAuth is off.</summary>
    public PermissionLevel LocalLevel { get; init; } = PermissionLevel.FullAdmin;

    /// <summary>MCP_ALLOW_UNAUTHENTICATED: HTTP without OAuth may listen beyond loopback.</summary>
    public bool AllowUnauthenticated { get; init; }

    /// <summary>HTTP may listen on loopback addresses only: no OAuth, and unauthenticated callers not allowed on purpose.</summary>
    public bool RequiresLoopback => OAuth is null && !AllowUnauthenticated;

    /// <summary>Only READ_ONLY tools are listed and callable, whoever calls.</summary>
    public bool ReadOnly { get; init; }

    public AuditSettings Audit { get; init; } = new(FilePath: null, ToStandardError: true);

    public DnsRebindingSettings DnsRebinding { get; init; } = new(DnsRebindingSettings.LoopbackHosts, AllowedOrigins: null);
}

/// <summary>How JWT access tokens are validated and how MCP clients are told where to get one.</summary>
/// <param name="Issuer">The OpenID provider's issuer, exactly as its discovery document spells it.</param>
/// <param name="ResourceUrl">This server's MCP endpoint as clients address it: the protected resource (RFC 9728).</param>
/// <param name="Audiences">A token must be addressed to one of these.</param>
/// <param name="GroupsClaim">The claim that lists the caller's groups.</param>
/// <param name="Scopes">The scopes advertised to clients in the protected-resource metadata, and asked of the provider in proxy mode.</param>
/// <param name="Proxy">The confidential client of proxy mode; null for a pure resource server.</param>
public sealed record OAuthSettings(string Issuer, Uri ResourceUrl, IReadOnlyList<string> Audiences, string GroupsClaim, IReadOnlyList<string> Scopes,
    OAuthProxySettings? Proxy = null)
{
    /// <summary>The protected-resource metadata document of <see cref="ResourceUrl"/>, at its RFC 9728 well-known path.</summary>
    public Uri ResourceMetadataUrl => new(ResourceUrl, "/.well-known/oauth-protected-resource" + ResourceUrl.AbsolutePath);
}

/// <summary>
/// Proxy mode: the server is the authorization server MCP clients see, and logs their users in at the provider with
/// its own confidential client.
/// </summary>
/// <param name="ClientId">OAUTH_CLIENT_ID.</param>
/// <param name="ClientSecret">OAUTH_CLIENT_SECRET. Never logged.</param>
/// <param name="Issuer">This server as an authorization server: OAUTH_BASE_URL without a trailing slash, its metadata's issuer.</param>
/// <param name="ClientMetadataNetworks">Non-public networks client ID metadata documents may be fetched from.</param>
public sealed record OAuthProxySettings(string ClientId, string ClientSecret, string Issuer, IReadOnlyList<System.Net.IPNetwork>? ClientMetadataNetworks = null)
{
    /// <summary>The redirect URI registered at the provider.</summary>
    public Uri CallbackUrl => Endpoint("/auth/callback");

    /// <summary>An endpoint of this server under <see cref="Issuer"/>, e.g. "/token".</summary>
    public Uri Endpoint(string path) => new(Issuer + path);

    // A record's ToString would print the secret.
    public override string ToString() => $"OAuthProxySettings {{ ClientId = {ClientId}, Issuer = {Issuer} }}";
}

/// <summary>Where audit lines go.</summary>
public sealed record AuditSettings(string? FilePath, bool ToStandardError);

/// <summary>The Host and Origin headers the HTTP endpoint accepts (DNS-rebinding protection).</summary>
/// <param name="AllowedHosts">Host names without port; <c>*.example.com</c> matches sub-domains, <c>*</c> anything.</param>
/// <param name="AllowedOrigins">Exact origins such as <c>https://app.example.com</c>, or <c>*</c>; null accepts an origin whose host is an allowed host.</param>
public sealed record DnsRebindingSettings(IReadOnlyList<string> AllowedHosts, IReadOnlyList<string>? AllowedOrigins)
{
    public static IReadOnlyList<string> LoopbackHosts { get; } = ["localhost", "127.0.0.1", "[::1]"];
}
