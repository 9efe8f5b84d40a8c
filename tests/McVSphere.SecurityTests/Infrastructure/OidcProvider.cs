using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using McVSphere.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McVSphere.SecurityTests.Infrastructure;

/// <summary>
/// The real OpenID provider of tests/oidc/provider.mjs (npm oidc-provider) on a free loopback port. Each test user
/// is a client_credentials client whose JWT access tokens carry its groups.
/// </summary>
internal sealed class OidcProvider : IAsyncDisposable
{
    private static readonly HttpClient Http = new();
    private readonly Process _process;

    private OidcProvider(Process process, string issuer, JsonWebKey signingKey)
    {
        _process = process;
        Issuer = issuer;
        SigningKey = signingKey;
    }

    /// <summary>The client id and secret of McVSphere's confidential client in proxy mode (as provider.mjs has them).</summary>
    public const string ProxyClientId = "mcvsphere";
    public const string ProxyClientSecret = "proxy-secret-of-the-mcvsphere-client-at-the-provider-0123456789";

    /// <summary>The issuer, e.g. http://127.0.0.1:40123.</summary>
    public string Issuer { get; }

    /// <summary>The provider's private signing key, for hand-made negative tokens only.</summary>
    public JsonWebKey SigningKey { get; }

    /// <summary>
    /// Starts the provider with a new signing key; tokens are addressed to <paramref name="resource"/> unless a request
    /// names another. <paramref name="port"/> 0 picks a free one.
    /// </summary>
    /// <param name="resource">The resource its access tokens are addressed to unless a request names another.</param>
    /// <param name="port">Its port; 0 picks a free one.</param>
    /// <param name="proxyCallback">McVSphere's callback in proxy mode: adds the confidential client <see cref="ProxyClientId"/> and the login page.</param>
    public static async Task<OidcProvider> StartAsync(Uri resource, int port = 0, Uri? proxyCallback = null)
    {
        var start = new ProcessStartInfo(NodeTools.Node)
        {
            ArgumentList = { Path.Combine(NodeTools.Directory, "provider.mjs"), resource.AbsoluteUri, port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            WorkingDirectory = NodeTools.Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (proxyCallback is not null)
        {
            start.ArgumentList.Add(proxyCallback.AbsoluteUri);
        }
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { }; // its warnings about the in-memory adapter
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
            ?? throw new InvalidOperationException($"the OpenID provider exited with {process.ExitCode}");
        using var ready = JsonDocument.Parse(line);
        return new OidcProvider(process,
            ready.RootElement.GetProperty("issuer").GetString()!,
            new JsonWebKey(ready.RootElement.GetProperty("signing_key").GetRawText()));
    }

    /// <summary>Gets a real access token for <paramref name="user"/> from the token endpoint (client_credentials).</summary>
    public async Task<string> GetTokenAsync(string user, Uri? resource = null)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = user,
            ["client_secret"] = $"{user}-secret",
            ["scope"] = "mcp",
        };
        if (resource is not null)
        {
            form["resource"] = resource.AbsoluteUri;
        }
        using var response = await Http.PostAsync($"{Issuer}/token", new FormUrlEncodedContent(form));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, $"token request for {user} failed: {body}");
        return body.GetProperty("access_token").GetString()!;
    }

    /// <summary>
    /// A hand-made token signed with <paramref name="key"/> (the provider's by default), an access token (<c>at+jwt</c>)
    /// unless <paramref name="tokenType"/> says otherwise, with <paramref name="extraClaims"/> beside the usual ones.
    /// </summary>
    public string Sign(string issuer, string audience, DateTime expires, string[] groups, SecurityKey? key = null,
        IReadOnlyDictionary<string, object>? extraClaims = null, string tokenType = "at+jwt", string algorithm = SecurityAlgorithms.RsaSha256)
    {
        var issued = expires.AddMinutes(-10);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = issued,
            NotBefore = issued,
            Expires = expires,
            Subject = new ClaimsIdentity([new Claim("sub", "forger"), .. groups.Select(g => new Claim("groups", g))]),
            SigningCredentials = new SigningCredentials(key ?? SigningKey, algorithm),
            TokenType = tokenType,
            Claims = extraClaims is null ? null : new Dictionary<string, object>(extraClaims),
        });
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close(); // the provider exits when its stdin ends
        if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
        {
            _process.Kill();
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
