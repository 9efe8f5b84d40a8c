using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace McVSphere.Host.Security.OAuthProxy;

/// <summary>Who logged in at the provider, as proxy mode keeps it in the tokens it issues.</summary>
/// <param name="Subject">The provider's <c>sub</c>.</param>
/// <param name="UserName">preferred_username, for audit lines.</param>
/// <param name="Email">email, for audit lines when there is no user name.</param>
/// <param name="Groups">The groups (OAUTH_GROUPS_CLAIM) from the provider's access token, else its ID token, else userinfo.</param>
public sealed record ProviderIdentity(string Subject, string? UserName, string? Email, IReadOnlyList<string> Groups)
{
    /// <summary>How audit lines and messages name the user: never by an opaque sub alone where the provider says more.</summary>
    public string DisplayName => UserName ?? Email ?? Subject;
}

/// <summary>The provider's answer to a token request of the server's confidential client.</summary>
public sealed record ProviderTokens(string AccessToken, string? RefreshToken, string? IdToken, TimeSpan? ExpiresIn);

/// <summary>An error the provider answered with (RFC 6749 5.2), passed on to the MCP client.</summary>
public sealed class ProviderException(string error, string description) : Exception($"{error}: {description}")
{
    public string Error { get; } = error;
    public string Description { get; } = description;
}

/// <summary>
/// The provider as the server's confidential client talks to it (proxy mode): discovery, code and refresh grants,
/// userinfo and token introspection, authenticated with OAUTH_CLIENT_SECRET (client_secret_basic, or _post where the
/// provider offers only that).
/// </summary>
public sealed class ProviderClient
{
    private readonly OAuthSettings _oauth;
    private readonly OAuthProxySettings _proxy;
    private readonly HttpClient _http;
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _configuration;

    public ProviderClient(OAuthSettings oauth, IHttpClientFactory httpClients)
    {
        _oauth = oauth;
        _proxy = oauth.Proxy ?? throw new InvalidOperationException("Proxy mode is off.");
        _http = httpClients.CreateClient(nameof(ProviderClient));
        _configuration = new ConfigurationManager<OpenIdConnectConfiguration>(
            oauth.Issuer.TrimEnd('/') + "/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(_http) { RequireHttps = new Uri(oauth.Issuer).Scheme == Uri.UriSchemeHttps });
    }

    public Task<OpenIdConnectConfiguration> DiscoverAsync(CancellationToken cancellationToken) => _configuration.GetConfigurationAsync(cancellationToken);

    /// <summary>The authorization code grant, with the server's PKCE verifier and its callback as redirect URI.</summary>
    public Task<ProviderTokens> RedeemCodeAsync(string code, string codeVerifier, CancellationToken cancellationToken) =>
        TokenRequestAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = _proxy.CallbackUrl.AbsoluteUri,
            ["code_verifier"] = codeVerifier,
        }, cancellationToken);

    public Task<ProviderTokens> RefreshAsync(string refreshToken, CancellationToken cancellationToken) =>
        TokenRequestAsync(new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken }, cancellationToken);

    /// <summary>
    /// Who the tokens are of. Tokens that came straight from the token endpoint over its TLS connection are read without
    /// checking their signature, as OpenID Connect Core 3.1.3.7 allows; userinfo is asked only when neither token names
    /// the groups. <paramref name="previous"/> fills what a refresh answer no longer says.
    /// </summary>
    public async Task<ProviderIdentity> IdentifyAsync(ProviderTokens tokens, ProviderIdentity? previous, CancellationToken cancellationToken)
    {
        var access = ReadJwt(tokens.AccessToken);
        var id = tokens.IdToken is null ? null : ReadJwt(tokens.IdToken);
        var groups = Groups(access) ?? Groups(id);
        JsonObject? userInfo = null;
        if (groups is null || (Claim(id, "sub") ?? Claim(access, "sub")) is null)
        {
            userInfo = await UserInfoAsync(tokens.AccessToken, cancellationToken);
            groups ??= userInfo is null ? null : Strings(userInfo[_oauth.GroupsClaim]);
        }
        var subject = Claim(id, "sub") ?? Claim(access, "sub") ?? userInfo?["sub"]?.GetValue<string>() ?? previous?.Subject
            ?? throw new ProviderException("invalid_grant", "the provider's tokens name no subject (sub), so the user cannot be told apart.");
        return new ProviderIdentity(subject,
            Claim(id, "preferred_username") ?? Claim(access, "preferred_username") ?? userInfo?["preferred_username"]?.GetValue<string>() ?? previous?.UserName,
            Claim(id, "email") ?? Claim(access, "email") ?? userInfo?["email"]?.GetValue<string>() ?? previous?.Email,
            groups ?? previous?.Groups ?? []);
    }

    /// <summary>RFC 7662 introspection of an opaque token; null when the provider says it is not active.</summary>
    public async Task<JsonObject?> IntrospectAsync(string token, CancellationToken cancellationToken)
    {
        var configuration = await DiscoverAsync(cancellationToken);
        var endpoint = configuration.IntrospectionEndpoint;
        if (string.IsNullOrEmpty(endpoint))
        {
            throw new ProviderException("invalid_token", "the token is not a JWT and the provider publishes no introspection endpoint.");
        }
        var answer = await PostAsync(endpoint, configuration, new Dictionary<string, string> { ["token"] = token, ["token_type_hint"] = "access_token" },
            cancellationToken);
        return answer["active"]?.GetValue<bool>() == true ? answer : null;
    }

    /// <summary>The groups an introspection answer or claims object lists.</summary>
    public IReadOnlyList<string>? GroupsOf(JsonObject claims) => Strings(claims[_oauth.GroupsClaim]);

    private async Task<ProviderTokens> TokenRequestAsync(Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        var configuration = await DiscoverAsync(cancellationToken);
        var answer = await PostAsync(configuration.TokenEndpoint, configuration, form, cancellationToken);
        return new ProviderTokens(
            answer["access_token"]?.GetValue<string>() ?? throw new ProviderException("server_error", "the provider's token answer has no access_token."),
            answer["refresh_token"]?.GetValue<string>(), answer["id_token"]?.GetValue<string>(),
            answer["expires_in"]?.GetValue<double>() is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
    }

    private async Task<JsonObject> PostAsync(string endpoint, OpenIdConnectConfiguration configuration, Dictionary<string, string> form,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
        var methods = configuration.TokenEndpointAuthMethodsSupported;
        if (methods.Count > 0 && !methods.Contains("client_secret_basic") && methods.Contains("client_secret_post"))
        {
            form["client_id"] = _proxy.ClientId;
            form["client_secret"] = _proxy.ClientSecret;
        }
        else
        {
            // RFC 6749 2.3.1: both are form-urlencoded before they are joined.
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(
                $"{Uri.EscapeDataString(_proxy.ClientId)}:{Uri.EscapeDataString(_proxy.ClientSecret)}")));
        }
        request.Content = new FormUrlEncodedContent(form);
        using var response = await _http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonObject? answer = null;
        try
        {
            answer = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
        }
        if (!response.IsSuccessStatusCode || answer is null)
        {
            throw new ProviderException(answer?["error"]?.GetValue<string>() ?? "server_error",
                $"the provider answered {(int)response.StatusCode}{(answer?["error_description"]?.GetValue<string>() is { } why ? $": {why}" : "")}.");
        }
        return answer;
    }

    private async Task<JsonObject?> UserInfoAsync(string accessToken, CancellationToken cancellationToken)
    {
        var endpoint = (await DiscoverAsync(cancellationToken)).UserInfoEndpoint;
        if (string.IsNullOrEmpty(endpoint))
        {
            return null;
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await _http.SendAsync(request, cancellationToken);
        return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) as JsonObject : null;
    }

    private static JsonWebToken? ReadJwt(string token)
    {
        var handler = new JsonWebTokenHandler();
        return handler.CanReadToken(token) ? handler.ReadJsonWebToken(token) : null;
    }

    private static string? Claim(JsonWebToken? token, string type) => token is not null && token.TryGetPayloadValue<string>(type, out var value) ? value : null;

    private IReadOnlyList<string>? Groups(JsonWebToken? token)
    {
        var groups = token?.Claims.Where(claim => claim.Type == _oauth.GroupsClaim).Select(claim => claim.Value).ToList();
        return groups is { Count: > 0 } ? groups : null;
    }

    private static IReadOnlyList<string>? Strings(JsonNode? node) => node switch
    {
        JsonArray array => array.Select(item => item?.ToString()).OfType<string>().ToList(),
        JsonValue value when value.TryGetValue<string>(out var one) => [one],
        _ => null,
    };
}
