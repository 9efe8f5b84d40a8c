using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace McVSphere.Host.Security.OAuthProxy;

/// <summary>
/// Accepts the provider's opaque access tokens in proxy mode, where the server holds a client secret to ask with:
/// token introspection (RFC 7662). A token must be active and addressed to this server (an audience of OAUTH_AUDIENCE,
/// or issued to OAUTH_CLIENT_ID). Answers are kept for a minute at most (never past the token's expiry), by a hash of
/// the token, so that a session's calls do not each cost a round trip to the provider.
/// </summary>
public sealed class OpaqueTokens(OAuthSettings oauth, ProviderClient provider, TimeProvider time)
{
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (ClaimsPrincipal? Principal, string? Problem, DateTimeOffset Until)> _answers = new(StringComparer.Ordinal);

    /// <summary>Whether a bearer token is a JWT (three base64url parts); anything else is opaque.</summary>
    public static bool IsJwt(string token) => token.Count(c => c == '.') == 2;

    /// <summary>The caller an opaque token stands for, or why it is refused.</summary>
    public async Task<(ClaimsPrincipal? Principal, string? Problem)> AuthenticateAsync(string token, CancellationToken cancellationToken)
    {
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        var now = time.GetUtcNow();
        if (_answers.TryGetValue(key, out var known) && known.Until > now)
        {
            return (known.Principal, known.Problem);
        }
        foreach (var (stale, _) in _answers.Where(entry => entry.Value.Until <= now).ToList())
        {
            _answers.TryRemove(stale, out _);
        }
        var answer = await IntrospectAsync(token, cancellationToken);
        var expires = answer.Expires is { } exp && exp < now.Add(CacheLifetime) ? exp : now.Add(CacheLifetime);
        _answers[key] = (answer.Principal, answer.Problem, expires);
        return (answer.Principal, answer.Problem);
    }

    private async Task<(ClaimsPrincipal? Principal, string? Problem, DateTimeOffset? Expires)> IntrospectAsync(string token, CancellationToken cancellationToken)
    {
        JsonObject? claims;
        try
        {
            claims = await provider.IntrospectAsync(token, cancellationToken);
        }
        catch (ProviderException failure)
        {
            return (null, $"the provider's introspection failed: {failure.Message}", null);
        }
        if (claims is null)
        {
            return (null, "the provider's introspection says the token is not active", null);
        }
        var audiences = claims["aud"] switch
        {
            JsonArray list => list.Select(item => item?.ToString()).OfType<string>().ToList(),
            JsonValue one => [one.ToString()],
            _ => [],
        };
        if (!audiences.Intersect(oauth.Audiences).Any() && claims["client_id"]?.ToString() != oauth.Proxy!.ClientId)
        {
            return (null, $"the token is addressed to [{string.Join(", ", audiences)}], not to this server ({string.Join(", ", oauth.Audiences)})", null);
        }
        // A client's own token (client credentials) may name no sub: the client is the subject then (RFC 7662 2.2).
        var clientId = claims["client_id"]?.ToString();
        var subject = claims["sub"]?.ToString() ?? clientId;
        if (subject is null)
        {
            return (null, "the provider's introspection names no subject (sub) and no client_id", null);
        }
        var identity = new ClaimsIdentity("introspection", "sub", null);
        identity.AddClaim(new Claim("sub", subject));
        if (clientId is not null)
        {
            identity.AddClaim(new Claim("client_id", clientId));
        }
        identity.AddClaim(new Claim("iss", claims["iss"]?.ToString() ?? oauth.Issuer));
        if ((claims["preferred_username"] ?? claims["username"])?.ToString() is { } user)
        {
            identity.AddClaim(new Claim("preferred_username", user));
        }
        if (claims["email"]?.ToString() is { } email)
        {
            identity.AddClaim(new Claim("email", email));
        }
        foreach (var group in provider.GroupsOf(claims) ?? [])
        {
            identity.AddClaim(new Claim(oauth.GroupsClaim, group));
        }
        DateTimeOffset? expires = claims["exp"] is JsonValue exp && exp.TryGetValue<long>(out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
        return (new ClaimsPrincipal(identity), null, expires);
    }
}
