using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using McVSphere.Host.Configuration;
using McVSphere.Sdk.Net;

namespace McVSphere.Host.Security.OAuthProxy;

/// <summary>
/// Clients that need no registration: their client_id is the https URL of their client ID metadata document
/// (draft-ietf-oauth-client-id-metadata-document), which proxy mode fetches and checks. The URL is a caller's: it is
/// fetched as any caller-named server is (<see cref="CheckedConnections"/>, public addresses unless
/// MCVSPHERE_CLIENT_METADATA_ALLOW_NETWORKS says otherwise), without redirects or cookies, at most 64 KiB within 10
/// seconds, and kept 5 minutes. Only public clients (token_endpoint_auth_method none) are served this way.
/// </summary>
public sealed class ClientMetadataDocuments : IDisposable
{
    private const int MaxBytes = 64 << 10;
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(5);

    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (ClientRegistration? Registration, string? Problem, DateTimeOffset Until)> _documents = new(StringComparer.Ordinal);

    public ClientMetadataDocuments(OAuthProxySettings proxy, TimeProvider time)
    {
        var networks = proxy.ClientMetadataNetworks ?? [];
        _time = time;
        _http = new HttpClient(CheckedConnections.Handler(address => AddressRules.Refusal(address, networks), HostSettings.OAuthClientMetadataNetworks.Name,
            FetchTimeout))
        {
            Timeout = FetchTimeout,
            MaxResponseContentBufferSize = MaxBytes,
        };
    }

    /// <summary>Whether a client_id names a metadata document: an https URL with a path (the draft's rule).</summary>
    public static bool IsDocumentUrl(string clientId) =>
        Uri.TryCreate(clientId, UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttps && url.AbsolutePath.Length > 1
        && url.Fragment.Length == 0 && url.UserInfo.Length == 0;

    /// <summary>The client the document at <paramref name="clientId"/> describes, or why there is none.</summary>
    public async Task<(ClientRegistration? Registration, string? Problem)> FindAsync(string clientId, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_documents.TryGetValue(clientId, out var known) && known.Until > now)
        {
            return (known.Registration, known.Problem);
        }
        foreach (var (stale, _) in _documents.Where(entry => entry.Value.Until <= now).ToList())
        {
            _documents.TryRemove(stale, out _);
        }
        var (registration, problem) = await FetchAsync(clientId, cancellationToken);
        _documents[clientId] = (registration, problem, now.Add(CacheLifetime));
        return (registration, problem);
    }

    private async Task<(ClientRegistration?, string?)> FetchAsync(string clientId, CancellationToken cancellationToken)
    {
        JsonObject? document;
        try
        {
            using var response = await _http.GetAsync(clientId, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (null, $"its client metadata document {clientId} answered HTTP {(int)response.StatusCode} (redirects are not followed)");
            }
            document = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) as JsonObject;
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            return (null, CheckedConnections.FindUnreachable(error) is { } unreachable
                ? $"its client metadata document {clientId} is not fetched: {unreachable.Message}"
                : error is JsonException
                    ? $"its client metadata document {clientId} is not JSON"
                    : $"its client metadata document {clientId} could not be fetched (no answer within {FetchTimeout.TotalSeconds:0} s, TLS failed, or over {MaxBytes >> 10} KiB)");
        }
        if (document is null)
        {
            return (null, $"its client metadata document {clientId} is not a JSON object");
        }
        if (document["client_id"]?.ToString() != clientId)
        {
            return (null, $"its client metadata document names client_id '{document["client_id"]}', not its own URL {clientId}");
        }
        if (document["token_endpoint_auth_method"]?.ToString() is { } method && method != "none")
        {
            return (null, $"its client metadata document asks for token_endpoint_auth_method '{method}'; clients by metadata document are public clients here (none)");
        }
        var redirectUris = document["redirect_uris"] is JsonArray uris ? uris.Select(uri => uri?.ToString()).OfType<string>().ToList() : [];
        if (redirectUris.Count == 0)
        {
            return (null, $"its client metadata document lists no redirect_uris");
        }
        if (redirectUris.FirstOrDefault(uri => ClientRegistrations.RedirectProblem(uri) is not null) is { } refused)
        {
            return (null, $"its client metadata document lists redirect URI '{refused}', which {ClientRegistrations.RedirectProblem(refused)}");
        }
        return (new ClientRegistration(redirectUris, "none", document["client_name"]?.ToString(), IssuedAt: 0), null);
    }

    public void Dispose() => _http.Dispose();
}
