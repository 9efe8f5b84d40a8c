using System.Text;
using McVSphere.Host.Security.OAuthProxy;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using ModelContextProtocol.AspNetCore.Authentication;
using ModelContextProtocol.Authentication;

namespace McVSphere.Host.Security;

/// <summary>OAuth 2.1 resource-server authentication of the HTTP endpoint.</summary>
public static class OAuthServiceCollectionExtensions
{
    // Issuers sign with asymmetric keys published in their JWKS; accepting only these rules out "none" and HMAC key confusion.
    private static readonly string[] AsymmetricAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>
    /// JWT bearer authentication against the OpenID provider (discovery, JWKS refreshed when an unknown key id shows
    /// up, issuer, audience and lifetime checked), with the MCP SDK's challenge: 401 with
    /// <c>WWW-Authenticate: Bearer resource_metadata=...</c> and the protected-resource metadata naming the issuer.
    /// </summary>
    public static IServiceCollection AddMcVSphereOAuth(this IServiceCollection services, OAuthSettings oauth)
    {
        if (oauth.Proxy is { } proxy)
        {
            services.AddMcVSphereOAuthProxy(oauth, proxy);
        }
        services
            .AddAuthentication(options =>
            {
                options.DefaultAuthenticateScheme = JwtBearerDefaults.AuthenticationScheme;
                options.DefaultChallengeScheme = McpAuthenticationDefaults.AuthenticationScheme;
            })
            .AddJwtBearer(jwt =>
            {
                jwt.Authority = oauth.Issuer;
                jwt.RequireHttpsMetadata = new Uri(oauth.Issuer).Scheme == Uri.UriSchemeHttps;
                jwt.RefreshOnIssuerKeyNotFound = true;
                // Keep claim names as the provider wrote them, so that OAUTH_GROUPS_CLAIM means what the token says.
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    // The valid issuer is the one in the discovery document, which must equal OAUTH_ISSUER_URL (OpenID Connect Discovery §4.3).
                    ValidateIssuer = true,
                    ValidAudiences = oauth.Audiences,
                    ValidAlgorithms = AsymmetricAlgorithms,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = "sub",
                };
                jwt.Events = new JwtBearerEvents { OnAuthenticationFailed = LogRejection, OnTokenValidated = RefuseIdTokens };
                if (oauth.Proxy is { } proxy)
                {
                    // Proxy mode also accepts its own tokens, the provider's HS256 tokens (signed with the client secret,
                    // Authentik's default without a signing key) and, by introspection, its opaque ones. The provider's
                    // issuer and keys are added from its discovery document.
                    jwt.TokenValidationParameters.ValidIssuers = [proxy.Issuer];
                    jwt.TokenValidationParameters.IssuerSigningKeys =
                        [ProxyAccessTokens.SigningKey(proxy), new SymmetricSecurityKey(Encoding.UTF8.GetBytes(proxy.ClientSecret))];
                    jwt.TokenValidationParameters.ValidAlgorithms = [.. AsymmetricAlgorithms, SecurityAlgorithms.HmacSha256];
                    jwt.Events.OnMessageReceived = AuthenticateOpaqueTokenAsync;
                }
            })
            .AddMcp(mcp =>
            {
                mcp.ResourceMetadataUri = oauth.ResourceMetadataUrl;
                mcp.ResourceMetadata = new ProtectedResourceMetadata
                {
                    Resource = oauth.ResourceUrl.AbsoluteUri,
                    // In proxy mode the server is the authorization server its clients see.
                    AuthorizationServers = [oauth.Proxy?.Issuer ?? oauth.Issuer],
                    ScopesSupported = [.. oauth.Scopes],
                    BearerMethodsSupported = ["header"],
                    ResourceName = "McVSphere",
                };
            });
        services.AddAuthorization();
        return services;
    }

    private static IServiceCollection AddMcVSphereOAuthProxy(this IServiceCollection services, OAuthSettings oauth, OAuthProxySettings proxy)
    {
        services.AddHttpClient(nameof(ProviderClient));
        services.AddSingleton(oauth);
        services.AddSingleton(proxy);
        services.AddSingleton<ProxySealer>();
        services.AddSingleton<ClientMetadataDocuments>();
        services.AddSingleton<ClientRegistrations>();
        services.AddSingleton<ProviderClient>();
        services.AddSingleton<OpaqueTokens>();
        services.AddSingleton<OAuthProxyEndpoints>();
        return services;
    }

    /// <summary>Authenticates a bearer token that is not a JWT by introspection at the provider (<see cref="OpaqueTokens"/>).</summary>
    private static async Task AuthenticateOpaqueTokenAsync(MessageReceivedContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header["Bearer ".Length..].Trim() is not { Length: > 0 } token
            || OpaqueTokens.IsJwt(token))
        {
            return;
        }
        var (principal, problem) = await context.HttpContext.RequestServices.GetRequiredService<OpaqueTokens>()
            .AuthenticateAsync(token, context.HttpContext.RequestAborted);
        if (principal is null)
        {
            LogRejection(context.HttpContext, problem!);
            context.Fail(problem!);
            return;
        }
        context.Principal = principal;
        context.Success();
    }

    // Claims that only OpenID Connect ID tokens carry (OpenID Connect Core 2, 3.1.3.6, 3.3.2.11). An ID token says who
    // logged in to a client, not that the client may call this server: its audience is the client id, which many
    // deployments also accept as an access-token audience, so it must be told apart by what it contains.
    private static readonly string[] IdTokenClaims = ["nonce", "at_hash", "c_hash"];

    private static Task RefuseIdTokens(TokenValidatedContext context)
    {
        if (context.Principal?.Claims.FirstOrDefault(claim => IdTokenClaims.Contains(claim.Type)) is { } marker)
        {
            var reason = $"an ID token (it carries '{marker.Type}') is not an access token; send the access token the provider issued";
            LogRejection(context.HttpContext, reason);
            context.Fail(reason);
        }
        return Task.CompletedTask;
    }

    // Says why a token was refused (wrong issuer or audience, expired, bad signature) so that operators can fix the
    // provider's configuration; IdentityModel keeps token contents out of its messages.
    private static Task LogRejection(AuthenticationFailedContext context)
    {
        LogRejection(context.HttpContext, context.Exception.Message);
        return Task.CompletedTask;
    }

    private static void LogRejection(HttpContext httpContext, string reason) =>
        httpContext.RequestServices.GetRequiredService<ILoggerFactory>()
            .CreateLogger(typeof(OAuthServiceCollectionExtensions).FullName!)
            .LogWarning("Rejected a bearer token: {Reason}", reason);
}
