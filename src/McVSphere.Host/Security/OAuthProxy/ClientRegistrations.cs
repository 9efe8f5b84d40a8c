using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace McVSphere.Host.Security.OAuthProxy;

/// <summary>An MCP client registered with proxy mode (RFC 7591), carried in its client id: nothing is stored.</summary>
/// <param name="RedirectUris">Its redirect URIs, matched exactly (loopback ones on any port, RFC 8252 7.3).</param>
/// <param name="AuthMethod">none (a public client, with PKCE), client_secret_post or client_secret_basic.</param>
/// <param name="Name">client_name, for messages.</param>
/// <param name="IssuedAt">When it registered (Unix seconds).</param>
public sealed record ClientRegistration(
    [property: JsonPropertyName("r")] IReadOnlyList<string> RedirectUris,
    [property: JsonPropertyName("m")] string AuthMethod,
    [property: JsonPropertyName("n")] string? Name,
    [property: JsonPropertyName("t")] long IssuedAt)
{
    public bool IsPublic => AuthMethod == "none";

    /// <summary>Whether <paramref name="redirectUri"/> is one of <see cref="RedirectUris"/>: exactly, or a loopback one with another port.</summary>
    public bool Allows(string redirectUri) => RedirectUris.Any(registered => registered == redirectUri || SameLoopbackUriButPort(registered, redirectUri));

    private static bool SameLoopbackUriButPort(string registered, string requested) =>
        Uri.TryCreate(registered, UriKind.Absolute, out var a) && Uri.TryCreate(requested, UriKind.Absolute, out var b)
        && a.Scheme == Uri.UriSchemeHttp && b.Scheme == Uri.UriSchemeHttp && IsLoopback(a) && a.Host == b.Host
        && a.PathAndQuery == b.PathAndQuery && a.Fragment.Length == 0 && b.Fragment.Length == 0;

    /// <summary>127.0.0.1, [::1] or localhost, which RFC 8252 lets native clients bind on any port.</summary>
    public static bool IsLoopback(Uri uri) => uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}

/// <summary>
/// Registers MCP clients (RFC 7591) and recognizes them again, on any instance that has OAUTH_CLIENT_SECRET; a client
/// whose id is the URL of its metadata document needs no registration (<see cref="ClientMetadataDocuments"/>).
/// </summary>
public sealed class ClientRegistrations(ProxySealer sealer, ClientMetadataDocuments documents, OAuthProxySettings proxy, TimeProvider time)
{
    private const string Purpose = "client registration";
    private const string IdPrefix = "mcv_";

    /// <summary>How long a registration is honoured: clients register again when it ends, as RFC 7591 expects of expired ones.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(365);

    private static readonly string[] AuthMethods = ["none", "client_secret_post", "client_secret_basic"];

    private readonly byte[] _secretKey = ProxySealer.DeriveKey(proxy.ClientSecret, "mcvsphere oauth proxy client secrets");

    /// <summary>Registers a client; <paramref name="problem"/> is the RFC 7591 error and its description when the metadata is refused.</summary>
    public (string ClientId, string? ClientSecret, ClientRegistration Registration)? Register(IReadOnlyList<string>? redirectUris, string? authMethod, string? name,
        out (string Error, string Description)? problem)
    {
        problem = null;
        authMethod ??= "client_secret_basic"; // RFC 7591 2: the default when the client names none.
        if (redirectUris is not { Count: > 0 })
        {
            problem = ("invalid_redirect_uri", "redirect_uris is required: the URIs this client receives its authorization codes at.");
            return null;
        }
        if (redirectUris.FirstOrDefault(uri => RedirectProblem(uri) is not null) is { } refused)
        {
            problem = ("invalid_redirect_uri", $"redirect URI '{refused}' {RedirectProblem(refused)}");
            return null;
        }
        if (!AuthMethods.Contains(authMethod))
        {
            problem = ("invalid_client_metadata", $"token_endpoint_auth_method '{authMethod}' is not supported; use one of {string.Join(", ", AuthMethods)}.");
            return null;
        }
        var registration = new ClientRegistration(redirectUris, authMethod, name, time.GetUtcNow().ToUnixTimeSeconds());
        var clientId = IdPrefix + sealer.Seal(Purpose, registration, Lifetime);
        return (clientId, registration.IsPublic ? null : SecretOf(clientId), registration);
    }

    /// <summary>The registration a client id carries or its metadata document describes, or why there is none.</summary>
    public async Task<(ClientRegistration? Registration, string? Problem)> FindAsync(string? clientId, CancellationToken cancellationToken)
    {
        if (clientId is not null && ClientMetadataDocuments.IsDocumentUrl(clientId))
        {
            var (described, documentProblem) = await documents.FindAsync(clientId, cancellationToken);
            return (described, documentProblem is null ? null : $"client_id {clientId}: {documentProblem}");
        }
        if (clientId is null || !clientId.StartsWith(IdPrefix, StringComparison.Ordinal))
        {
            return (null, $"client_id '{Shorten(clientId)}' was not registered here: register at {proxy.Endpoint("/register")} first, " +
                "or use the https URL of a client ID metadata document");
        }
        return sealer.TryOpen<ClientRegistration>(Purpose, clientId[IdPrefix.Length..], out var registration, out var why)
            ? (registration, null)
            : (null, $"client_id '{Shorten(clientId)}' is not valid: {why}; register again at {proxy.Endpoint("/register")}");
    }

    /// <summary>Whether <paramref name="secret"/> is the one issued with <paramref name="clientId"/>.</summary>
    public bool SecretMatches(string clientId, string? secret) =>
        secret is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(SecretOf(clientId)), Encoding.UTF8.GetBytes(secret));

    private string SecretOf(string clientId) => Convert.ToHexString(HMACSHA256.HashData(_secretKey, Encoding.UTF8.GetBytes(clientId))).ToLowerInvariant();

    /// <summary>https anywhere, http on loopback only, or a native app's private-use scheme (RFC 8252 7.1); never a fragment.</summary>
    internal static string? RedirectProblem(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed))
        {
            return "is not an absolute URI.";
        }
        if (parsed.Fragment.Length > 0)
        {
            return "has a fragment, which redirect URIs must not have (RFC 6749 3.1.2).";
        }
        return parsed.Scheme switch
        {
            "https" => null,
            "http" => ClientRegistration.IsLoopback(parsed) ? null : "uses http on a host that is not loopback; use https, or http://127.0.0.1:<port>/...",
            "javascript" or "data" or "file" or "vbscript" => $"uses the '{parsed.Scheme}' scheme, which is not a redirect target.",
            _ => parsed.Scheme.Contains('.') ? null : $"uses the scheme '{parsed.Scheme}'; a native app's own scheme is a reversed domain name such as com.example.app (RFC 8252 7.1).",
        };
    }

    private static string Shorten(string? clientId) => clientId is null ? "" : clientId.Length > 24 ? clientId[..24] + "…" : clientId;
}
