using System.Security.Cryptography;
using System.Text;
using System.Buffers.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McVSphere.Host.Security.OAuthProxy;

/// <summary>A login in progress at the provider, sealed into the state the provider hands back to the callback.</summary>
public sealed record LoginState(string ClientId, string RedirectUri, string? ClientState, string CodeChallenge, string? Scope, string? Resource, string Nonce);

/// <summary>An authorization code of this server: the login's outcome, for the client that holds the PKCE verifier.</summary>
public sealed record IssuedCode(string ClientId, string RedirectUri, string CodeChallenge, string? Scope, string? Resource, ProviderIdentity Identity,
    string? ProviderRefreshToken, double? ProviderLifetimeSeconds, string Jti);

/// <summary>A refresh token of this server: the provider's, kept sealed, with who it is of.</summary>
public sealed record IssuedRefresh(string ClientId, string? Scope, string? Resource, ProviderIdentity Identity, string ProviderRefreshToken);

/// <summary>
/// The access tokens proxy mode gives MCP clients: JWTs it signs itself (HS256, with a key derived from
/// OAUTH_CLIENT_SECRET, so that every instance accepts them), short-lived, naming the provider's user and groups, and
/// validated by the same bearer authentication as the provider's tokens.
/// </summary>
public static class ProxyAccessTokens
{
    public const string KeyId = "mcvsphere-proxy";

    /// <summary>The longest an access token lives; a shorter provider token lifetime is kept.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(1);

    public static SymmetricSecurityKey SigningKey(OAuthProxySettings proxy) =>
        new(ProxySealer.DeriveKey(proxy.ClientSecret, "mcvsphere oauth proxy access tokens")) { KeyId = KeyId };

    public static (string Token, TimeSpan Lifetime) Issue(OAuthSettings oauth, ProviderIdentity identity, string clientId, string? scope,
        TimeSpan? providerLifetime, DateTimeOffset now)
    {
        var proxy = oauth.Proxy!;
        var lifetime = providerLifetime is { } given && given < MaxLifetime && given > TimeSpan.Zero ? given : MaxLifetime;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = identity.Subject,
            ["client_id"] = clientId,
            [oauth.GroupsClaim] = identity.Groups.ToArray(),
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (identity.UserName is { } user)
        {
            claims["preferred_username"] = user;
        }
        if (identity.Email is { } email)
        {
            claims["email"] = email;
        }
        if (scope is not null)
        {
            claims["scope"] = scope;
        }
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = proxy.Issuer,
            Audience = oauth.ResourceUrl.AbsoluteUri,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.Add(lifetime).UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(SigningKey(proxy), SecurityAlgorithms.HmacSha256),
        });
        return (token, lifetime);
    }

    /// <summary>The S256 code challenge of a PKCE verifier (RFC 7636 4.2).</summary>
    public static string Challenge(string verifier) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
}
