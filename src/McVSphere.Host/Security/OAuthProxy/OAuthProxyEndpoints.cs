using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Buffers.Text;
using McVSphere.Host.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McVSphere.Host.Security.OAuthProxy;

/// <summary>
/// Proxy mode's authorization server, as mcvsphere served it: RFC 8414 metadata, RFC 7591 registration, /authorize
/// (PKCE S256 only) relayed to the provider with the server's confidential client, /auth/callback, and /token
/// (authorization_code with the client's verifier, refresh_token). Nothing is stored: registrations, login states,
/// codes and refresh tokens are sealed (<see cref="ProxySealer"/>), so every instance with OAUTH_CLIENT_SECRET serves
/// any step. Each page is a redirect or plain HTML: no JavaScript.
/// </summary>
public sealed partial class OAuthProxyEndpoints(
    OAuthSettings oauth,
    McVSphereOptions options,
    ProxySealer sealer,
    ClientRegistrations clients,
    ProviderClient provider,
    TimeProvider time,
    ILogger<OAuthProxyEndpoints> logger)
{
    private const string LoginPurpose = "login state";
    private const string CodePurpose = "authorization code";
    private const string RefreshPurpose = "refresh token";

    private static readonly TimeSpan LoginLifetime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RefreshLifetime = TimeSpan.FromDays(30);

    /// <summary>The paths of the flow, under OAUTH_BASE_URL.</summary>
    public static readonly string[] Paths = ["/register", "/authorize", "/auth/callback", "/token"];

    private readonly OAuthProxySettings _proxy = oauth.Proxy!;
    private readonly byte[] _pkceKey = ProxySealer.DeriveKey(oauth.Proxy!.ClientSecret, "mcvsphere oauth proxy pkce");

    // Codes redeemed here, until they expire: a code is good for one redemption (RFC 6749 4.1.2).
    private readonly ConcurrentDictionary<string, DateTimeOffset> _redeemed = new(StringComparer.Ordinal);

    public static void Map(IEndpointRouteBuilder app, OAuthProxySettings proxy)
    {
        // RFC 8414 3: the well-known path goes before the issuer's own path.
        var issuerPath = new Uri(proxy.Issuer).AbsolutePath.TrimEnd('/');
        app.MapGet("/.well-known/oauth-authorization-server" + issuerPath, (OAuthProxyEndpoints endpoints) => endpoints.Metadata());
        app.MapPost("/register", (OAuthProxyEndpoints endpoints, HttpContext context) => endpoints.RegisterAsync(context));
        app.MapGet("/authorize", (OAuthProxyEndpoints endpoints, HttpContext context) => endpoints.AuthorizeAsync(context));
        app.MapMethods("/auth/callback", [HttpMethods.Get, HttpMethods.Post], (OAuthProxyEndpoints endpoints, HttpContext context) => endpoints.CallbackAsync(context));
        app.MapPost("/token", (OAuthProxyEndpoints endpoints, HttpContext context) => endpoints.TokenAsync(context));
    }

    private IResult Metadata() => Results.Json(new JsonObject
    {
        ["issuer"] = _proxy.Issuer,
        ["authorization_endpoint"] = _proxy.Endpoint("/authorize").AbsoluteUri,
        ["token_endpoint"] = _proxy.Endpoint("/token").AbsoluteUri,
        ["registration_endpoint"] = _proxy.Endpoint("/register").AbsoluteUri,
        ["scopes_supported"] = new JsonArray([.. oauth.Scopes.Select(scope => (JsonNode)scope)]),
        ["response_types_supported"] = new JsonArray("code"),
        ["response_modes_supported"] = new JsonArray("query"),
        ["grant_types_supported"] = new JsonArray("authorization_code", "refresh_token"),
        ["token_endpoint_auth_methods_supported"] = new JsonArray("none", "client_secret_post", "client_secret_basic"),
        ["code_challenge_methods_supported"] = new JsonArray("S256"),
        ["authorization_response_iss_parameter_supported"] = true,
        ["client_id_metadata_document_supported"] = true,
    });

    private async Task<IResult> RegisterAsync(HttpContext context)
    {
        JsonObject? metadata = null;
        try
        {
            metadata = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
        }
        if (metadata is null)
        {
            return OAuthError("invalid_client_metadata", "the body must be a JSON object of client metadata (RFC 7591 2).");
        }
        var redirectUris = metadata["redirect_uris"] is JsonArray uris ? uris.Select(uri => uri?.ToString()).OfType<string>().ToList() : null;
        var grants = metadata["grant_types"] is JsonArray listed ? listed.Select(grant => grant?.ToString()).ToList() : ["authorization_code"];
        if (grants.FirstOrDefault(grant => grant is not ("authorization_code" or "refresh_token")) is { } unsupported)
        {
            return OAuthError("invalid_client_metadata", $"grant type '{unsupported}' is not supported; this server grants authorization_code and refresh_token.");
        }
        var registered = clients.Register(redirectUris, metadata["token_endpoint_auth_method"]?.ToString(), metadata["client_name"]?.ToString(), out var problem);
        if (registered is not { } client)
        {
            return OAuthError(problem!.Value.Error, problem.Value.Description);
        }
        var answer = new JsonObject
        {
            ["client_id"] = client.ClientId,
            ["client_id_issued_at"] = client.Registration.IssuedAt,
            ["redirect_uris"] = new JsonArray([.. client.Registration.RedirectUris.Select(uri => (JsonNode)uri)]),
            ["token_endpoint_auth_method"] = client.Registration.AuthMethod,
            ["grant_types"] = new JsonArray("authorization_code", "refresh_token"),
            ["response_types"] = new JsonArray("code"),
        };
        if (client.Registration.Name is { } name)
        {
            answer["client_name"] = name;
        }
        if (client.ClientSecret is { } secret)
        {
            answer["client_secret"] = secret;
            answer["client_secret_expires_at"] = 0;
        }
        LogRegistered(client.Registration.Name ?? "(unnamed)", client.Registration.AuthMethod, string.Join(" ", client.Registration.RedirectUris));
        return Results.Json(answer, statusCode: StatusCodes.Status201Created);
    }

    private async Task<IResult> AuthorizeAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var clientId = query["client_id"].ToString();
        var (registration, clientProblem) = await clients.FindAsync(clientId, context.RequestAborted);
        if (registration is null)
        {
            return Page(HttpStatusCode.BadRequest, "Unknown client", $"This login was started by a client the server does not know: {clientProblem}.");
        }
        var redirectUri = query["redirect_uri"].ToString();
        if (redirectUri.Length == 0 || !registration.Allows(redirectUri))
        {
            // RFC 6749 4.1.2.1: never redirect to a URI that is not the client's.
            return Page(HttpStatusCode.BadRequest, "Wrong redirect URI",
                $"The client asked to be answered at '{redirectUri}', which it did not register ({string.Join(", ", registration.RedirectUris)}).");
        }
        var state = query["state"].ToString() is { Length: > 0 } given ? given : null;
        if (query["response_type"] != "code")
        {
            return RedirectError(redirectUri, state, "unsupported_response_type", "this server issues authorization codes only (response_type=code).");
        }
        if (query["code_challenge"].ToString() is not { Length: >= 43 and <= 128 } challenge || query["code_challenge_method"] != "S256")
        {
            return RedirectError(redirectUri, state, "invalid_request", "PKCE is required with code_challenge_method=S256 (RFC 7636); plain is not accepted.");
        }
        var resource = query["resource"].ToString() is { Length: > 0 } named ? named : null;
        if (resource is not null && resource.TrimEnd('/') != oauth.ResourceUrl.AbsoluteUri.TrimEnd('/'))
        {
            return RedirectError(redirectUri, state, "invalid_target", $"this server issues tokens for {oauth.ResourceUrl} only, not for '{resource}'.");
        }
        var login = new LoginState(clientId, redirectUri, state, challenge, query["scope"].ToString() is { Length: > 0 } scope ? scope : null, resource,
            Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
        var configuration = await provider.DiscoverAsync(context.RequestAborted);
        var upstream = QueryHelpers.AddQueryString(configuration.AuthorizationEndpoint, new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = _proxy.ClientId,
            ["redirect_uri"] = _proxy.CallbackUrl.AbsoluteUri,
            ["scope"] = string.Join(' ', oauth.Scopes),
            ["state"] = sealer.Seal(LoginPurpose, login, LoginLifetime),
            ["nonce"] = login.Nonce,
            ["code_challenge"] = ProxyAccessTokens.Challenge(Verifier(login.Nonce)),
            ["code_challenge_method"] = "S256",
        });
        return Results.Redirect(upstream);
    }

    private async Task<IResult> CallbackAsync(HttpContext context)
    {
        // The provider answers with a redirect (query) or a form it posts from its own origin (form_post).
        var fields = HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType
            ? (await context.Request.ReadFormAsync(context.RequestAborted)).ToDictionary(field => field.Key, field => field.Value.ToString())
            : context.Request.Query.ToDictionary(field => field.Key, field => field.Value.ToString());
        if (!sealer.TryOpen<LoginState>(LoginPurpose, fields.GetValueOrDefault("state"), out var login, out var stateProblem))
        {
            return Page(HttpStatusCode.BadRequest, "Login not recognized",
                $"The provider sent back a login this server did not start, or one that ran out: {stateProblem}. Start again from your MCP client.");
        }
        if (fields.GetValueOrDefault("error") is { Length: > 0 } error)
        {
            return RedirectError(login.RedirectUri, login.ClientState, error,
                $"the identity provider refused the login: {fields.GetValueOrDefault("error_description") ?? error}");
        }
        if (fields.GetValueOrDefault("code") is not { Length: > 0 } providerCode)
        {
            return RedirectError(login.RedirectUri, login.ClientState, "server_error", "the identity provider sent back no authorization code.");
        }
        ProviderTokens tokens;
        ProviderIdentity identity;
        try
        {
            tokens = await provider.RedeemCodeAsync(providerCode, Verifier(login.Nonce), context.RequestAborted);
            identity = await provider.IdentifyAsync(tokens, previous: null, context.RequestAborted);
        }
        catch (ProviderException failure)
        {
            LogProviderRefused("authorization_code", failure.Message);
            return RedirectError(login.RedirectUri, login.ClientState, "server_error", $"the identity provider did not complete the login: {failure.Message}");
        }
        if (options.Security.RoleMap.LevelOf(identity.Groups) is null)
        {
            LogNoGroup(identity.DisplayName, string.Join(", ", identity.Groups));
            return RedirectError(login.RedirectUri, login.ClientState, "access_denied",
                $"user '{identity.DisplayName}' is in none of the groups this server maps to a permission level ({HostSettings.RoleMapping.Name}); " +
                $"their groups: [{string.Join(", ", identity.Groups)}]. Ask an administrator to add them to one, e.g. vsphere-readers.");
        }
        var code = sealer.Seal(CodePurpose, new IssuedCode(login.ClientId, login.RedirectUri, login.CodeChallenge, login.Scope, login.Resource, identity,
            tokens.RefreshToken, tokens.ExpiresIn?.TotalSeconds, Convert.ToHexString(RandomNumberGenerator.GetBytes(16))), CodeLifetime);
        return Results.Redirect(QueryHelpers.AddQueryString(login.RedirectUri, new Dictionary<string, string?>
        {
            ["code"] = code,
            ["state"] = login.ClientState,
            ["iss"] = _proxy.Issuer,
        }.Where(field => field.Value is not null)));
    }

    private async Task<IResult> TokenAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            return OAuthError("invalid_request", "send the token request as application/x-www-form-urlencoded (RFC 6749 4.1.3).");
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var (clientId, secret) = ClientCredentials(context, form);
        var (registration, clientProblem) = await clients.FindAsync(clientId, context.RequestAborted);
        if (registration is null)
        {
            return OAuthError("invalid_client", clientProblem!, StatusCodes.Status401Unauthorized);
        }
        if (!registration.IsPublic && !clients.SecretMatches(clientId!, secret))
        {
            return OAuthError("invalid_client", $"the client authenticates with {registration.AuthMethod}, and its secret is missing or wrong.", StatusCodes.Status401Unauthorized);
        }
        return form["grant_type"].ToString() switch
        {
            "authorization_code" => RedeemCode(clientId!, form),
            "refresh_token" => await RefreshAsync(clientId!, form, context.RequestAborted),
            var other => OAuthError("unsupported_grant_type", $"grant_type '{other}' is not supported; use authorization_code or refresh_token."),
        };
    }

    private IResult RedeemCode(string clientId, IFormCollection form)
    {
        if (!sealer.TryOpen<IssuedCode>(CodePurpose, form["code"], out var code, out var problem))
        {
            return OAuthError("invalid_grant", $"the authorization code is not valid: {problem}.");
        }
        if (code.ClientId != clientId || code.RedirectUri != form["redirect_uri"])
        {
            return OAuthError("invalid_grant", "the authorization code was issued to another client or redirect URI.");
        }
        if (form["code_verifier"].ToString() is not { Length: > 0 } verifier || !CryptographicOperations.FixedTimeEquals(
                Encoding.ASCII.GetBytes(ProxyAccessTokens.Challenge(verifier)), Encoding.ASCII.GetBytes(code.CodeChallenge)))
        {
            return OAuthError("invalid_grant", "code_verifier does not match the code_challenge of the authorization request (PKCE).");
        }
        var now = time.GetUtcNow();
        foreach (var (jti, expires) in _redeemed.Where(entry => entry.Value < now).ToList())
        {
            _redeemed.TryRemove(jti, out _);
        }
        if (!_redeemed.TryAdd(code.Jti, now.Add(CodeLifetime)))
        {
            LogCodeReplayed(code.Identity.DisplayName);
            return OAuthError("invalid_grant", "the authorization code was used already; start the login again.");
        }
        return Tokens(clientId, code.Scope, code.Resource, code.Identity, code.ProviderRefreshToken,
            code.ProviderLifetimeSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
    }

    private async Task<IResult> RefreshAsync(string clientId, IFormCollection form, CancellationToken cancellationToken)
    {
        if (!sealer.TryOpen<IssuedRefresh>(RefreshPurpose, form["refresh_token"], out var refresh, out var problem))
        {
            return OAuthError("invalid_grant", $"the refresh token is not valid: {problem}.");
        }
        if (refresh.ClientId != clientId)
        {
            return OAuthError("invalid_grant", "the refresh token was issued to another client.");
        }
        ProviderTokens tokens;
        ProviderIdentity identity;
        try
        {
            tokens = await provider.RefreshAsync(refresh.ProviderRefreshToken, cancellationToken);
            identity = await provider.IdentifyAsync(tokens, refresh.Identity, cancellationToken);
        }
        catch (ProviderException failure)
        {
            LogProviderRefused("refresh_token", failure.Message);
            return OAuthError("invalid_grant", $"the identity provider refused to renew the login ({failure.Message}); log in again.");
        }
        if (identity.Subject != refresh.Identity.Subject)
        {
            return OAuthError("invalid_grant", "the identity provider renewed the login of another user; log in again.");
        }
        if (options.Security.RoleMap.LevelOf(identity.Groups) is null)
        {
            return OAuthError("invalid_grant", $"user '{identity.DisplayName}' is no longer in a group this server maps to a permission level.");
        }
        return Tokens(clientId, refresh.Scope, refresh.Resource, identity, tokens.RefreshToken ?? refresh.ProviderRefreshToken, tokens.ExpiresIn);
    }

    private IResult Tokens(string clientId, string? scope, string? resource, ProviderIdentity identity, string? providerRefreshToken, TimeSpan? providerLifetime)
    {
        var (accessToken, lifetime) = ProxyAccessTokens.Issue(oauth, identity, clientId, scope, providerLifetime, time.GetUtcNow());
        var answer = new JsonObject
        {
            ["access_token"] = accessToken,
            ["token_type"] = "Bearer",
            ["expires_in"] = (long)lifetime.TotalSeconds,
        };
        if (scope is not null)
        {
            answer["scope"] = scope;
        }
        if (providerRefreshToken is not null)
        {
            answer["refresh_token"] = sealer.Seal(RefreshPurpose, new IssuedRefresh(clientId, scope, resource, identity, providerRefreshToken), RefreshLifetime);
        }
        return new NoStoreJson(answer, StatusCodes.Status200OK);
    }

    /// <summary>client_secret_basic (Authorization: Basic, each part form-urlencoded) or the form's client_id and client_secret.</summary>
    private static (string? ClientId, string? Secret) ClientCredentials(HttpContext context, IFormCollection form)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                var colon = pair.IndexOf(':');
                if (colon > 0)
                {
                    return (Uri.UnescapeDataString(pair[..colon]), Uri.UnescapeDataString(pair[(colon + 1)..]));
                }
            }
            catch (FormatException)
            {
            }
        }
        return (form["client_id"].ToString() is { Length: > 0 } id ? id : null, form["client_secret"].ToString() is { Length: > 0 } secret ? secret : null);
    }

    /// <summary>The PKCE verifier of the server's own request to the provider: derived from the login's nonce, so nothing is stored.</summary>
    private string Verifier(string nonce) => Base64Url.EncodeToString(HMACSHA256.HashData(_pkceKey, Encoding.UTF8.GetBytes(nonce)));

    private static IResult OAuthError(string error, string description, int status = StatusCodes.Status400BadRequest) =>
        new NoStoreJson(new JsonObject { ["error"] = error, ["error_description"] = description }, status);

    private IResult RedirectError(string redirectUri, string? state, string error, string description) =>
        Results.Redirect(QueryHelpers.AddQueryString(redirectUri, new Dictionary<string, string?>
        {
            ["error"] = error,
            ["error_description"] = description,
            ["state"] = state,
            ["iss"] = _proxy.Issuer,
        }.Where(field => field.Value is not null)));

    /// <summary>A page a person reads in the browser, without scripts.</summary>
    private static IResult Page(HttpStatusCode status, string title, string text) => Results.Content(
        $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{WebUtility.HtmlEncode(title)}</title></head>" +
        $"<body><h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(text)}</p></body></html>",
        "text/html; charset=utf-8", Encoding.UTF8, (int)status);

    /// <summary>A JSON answer of the token or registration endpoint, which must not be cached (RFC 6749 5.1).</summary>
    private sealed class NoStoreJson(JsonObject body, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers.Pragma = "no-cache";
            return Results.Json(body, statusCode: status).ExecuteAsync(context);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "OAuth proxy: registered client {Name} ({AuthMethod}) for {RedirectUris}")]
    private partial void LogRegistered(string name, string authMethod, string redirectUris);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OAuth proxy: the provider refused the {Grant} grant: {Reason}")]
    private partial void LogProviderRefused(string grant, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OAuth proxy: refused user {User}, who is in no mapped group ({Groups})")]
    private partial void LogNoGroup(string user, string groups);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OAuth proxy: refused an authorization code of {User} used a second time")]
    private partial void LogCodeReplayed(string user);
}
