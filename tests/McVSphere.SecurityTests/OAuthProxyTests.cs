using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Web;
using McVSphere.SecurityTests.Infrastructure;
using Microsoft.IdentityModel.Tokens;
using ModelContextProtocol.Authentication;
using ModelContextProtocol.Client;

namespace McVSphere.SecurityTests;

/// <summary>
/// Proxy mode (OAUTH_CLIENT_ID and OAUTH_CLIENT_SECRET), as mcvsphere's OAuth deployment runs: a real provider with
/// dynamic registration off, the SDK's MCP client doing discovery, registration, authorization with PKCE, the
/// provider's login page submitted as a browser does, the callback, tokens and refresh.
/// </summary>
public sealed class OAuthProxyTests(ProxyOAuthHost host) : IClassFixture<ProxyOAuthHost>
{
    private static readonly HttpClient Http = new(new HttpClientHandler { AllowAutoRedirect = false });

    [Fact]
    public async Task An_MCP_client_logs_in_through_the_server_and_sees_the_tools_of_its_group_with_audit_lines_naming_the_user()
    {
        var tokens = new RecordingTokenCache();
        await using var client = await ConnectAsync("alice", tokens);

        var tools = await client.ListToolsAsync();
        var call = await client.CallToolAsync("level_power_ops");

        Assert.Equal(["level_power_ops", "level_read_only", "level_vm_lifecycle"], tools.Select(t => t.Name).Order());
        Assert.NotEqual(true, call.IsError);
        var audit = host.AuditLines().Last(line => line.GetProperty("tool").GetString() == "level_power_ops");
        Assert.Equal("alice", audit.GetProperty("user").GetString());
        Assert.NotNull(tokens.Last?.RefreshToken);
    }

    [Fact]
    public async Task A_client_known_by_its_metadata_document_logs_in_without_registering_and_a_false_document_is_refused()
    {
        var document = host.Documents.Url("/mcp-client.json");
        host.Documents.Serve(document.AbsolutePath, JsonSerializer.Serialize(new
        {
            client_id = document.AbsoluteUri,
            client_name = "metadata document client",
            redirect_uris = new[] { "http://127.0.0.1:7777/callback" },
            token_endpoint_auth_method = "none",
        }));
        var other = host.Documents.Url("/other-client.json");
        host.Documents.Serve(other.AbsolutePath, JsonSerializer.Serialize(new { client_id = document.AbsoluteUri, redirect_uris = new[] { "http://127.0.0.1:7777/callback" } }));
        var tokens = new RecordingTokenCache();

        await using var client = await ConnectAsync("alice", tokens, document);
        using var falseDocument = await Http.GetAsync(AuthorizeUrl(other.AbsoluteUri, "http://127.0.0.1:7777/callback", "v-0123456789012345678901234567890123456789"));

        Assert.Contains("level_vm_lifecycle", (await client.ListToolsAsync()).Select(t => t.Name));
        Assert.Equal(document.AbsoluteUri, tokens.Last!.ClientId);
        Assert.Equal(HttpStatusCode.BadRequest, falseDocument.StatusCode);
        Assert.Contains("not its own URL", WebUtility.HtmlDecode(await falseDocument.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Groups_the_provider_keeps_out_of_its_access_token_are_read_from_userinfo()
    {
        await using var client = await ConnectAsync("uma", new RecordingTokenCache());

        Assert.Equal(["level_power_ops", "level_read_only"], (await client.ListToolsAsync()).Select(t => t.Name).Order());
    }

    [Fact]
    public async Task A_refresh_token_gets_a_new_access_token_that_works_and_a_reader_sees_reader_tools()
    {
        var tokens = new RecordingTokenCache();
        await using (await ConnectAsync("rita", tokens))
        {
        }
        var first = tokens.Last!;

        var refreshed = await PostTokenAsync(new()
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = first.RefreshToken!,
            ["client_id"] = first.ClientId!,
            ["client_secret"] = first.ClientSecret ?? "",
        });

        Assert.True(refreshed.Status == HttpStatusCode.OK, $"refresh failed: {refreshed.Body}");
        var accessToken = refreshed.Body.GetProperty("access_token").GetString()!;
        Assert.NotEqual(first.AccessToken, accessToken);
        await using var client = await host.ConnectAsync(accessToken);
        Assert.Equal(["level_read_only"], (await client.ListToolsAsync()).Select(t => t.Name));
        var tampered = await PostTokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = Tamper(first.RefreshToken!), ["client_id"] = first.ClientId!, ["client_secret"] = first.ClientSecret ?? "" });
        Assert.Equal("invalid_grant", tampered.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_metadata_names_the_server_as_authorization_server_and_registration_echoes_the_redirect_uris()
    {
        var metadata = await Http.GetFromJsonAsync<JsonElement>(new Uri(host.BaseUrl, "/.well-known/oauth-authorization-server"));
        var resource = await Http.GetFromJsonAsync<JsonElement>(new Uri(host.BaseUrl, "/.well-known/oauth-protected-resource/mcp"));
        var registration = await RegisterAsync(["http://127.0.0.1:5555/callback"]);

        Assert.Equal(host.BaseUrl.AbsoluteUri.TrimEnd('/'), metadata.GetProperty("issuer").GetString());
        Assert.Equal(["S256"], metadata.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(new Uri(host.BaseUrl, "/register").AbsoluteUri, metadata.GetProperty("registration_endpoint").GetString());
        Assert.Equal([metadata.GetProperty("issuer").GetString()], resource.GetProperty("authorization_servers").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["http://127.0.0.1:5555/callback"], registration.GetProperty("redirect_uris").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("none", registration.GetProperty("token_endpoint_auth_method").GetString());
        Assert.False(registration.TryGetProperty("client_secret", out _));
    }

    [Fact]
    public async Task A_code_from_the_providers_form_post_is_redeemed_once_and_a_tampered_or_replayed_code_is_refused()
    {
        var clientId = (await RegisterAsync(["http://127.0.0.1:5555/callback"])).GetProperty("client_id").GetString()!;
        var verifier = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        // A loopback redirect URI may come on another port than registered (RFC 8252 7.3).
        var redirectUri = "http://127.0.0.1:6000/callback";
        using var browser = new ScriptedBrowser();
        var atCallback = await browser.RunAsync(AuthorizeUrl(clientId, redirectUri, verifier, state: "client-state"),
            url => url.AbsoluteUri.StartsWith(host.Callback.AbsoluteUri, StringComparison.Ordinal), "alice");

        // The provider's form_post: the browser posts code and state from the provider's origin.
        var providerAnswer = HttpUtility.ParseQueryString(atCallback.Query);
        using var post = new HttpRequestMessage(HttpMethod.Post, host.Callback)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = providerAnswer["code"]!, ["state"] = providerAnswer["state"]! }),
        };
        post.Headers.Add("Origin", new Uri(host.Provider.Issuer).GetLeftPart(UriPartial.Authority));
        using var callback = await Http.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        var toClient = callback.Headers.Location!;
        Assert.StartsWith(redirectUri + "?", toClient.AbsoluteUri);
        var answer = HttpUtility.ParseQueryString(toClient.Query);
        Assert.Equal("client-state", answer["state"]);
        Assert.Equal(host.BaseUrl.AbsoluteUri.TrimEnd('/'), answer["iss"]);
        var code = answer["code"]!;
        Dictionary<string, string> Redeem(string theCode, string theVerifier) => new()
        {
            ["grant_type"] = "authorization_code", ["code"] = theCode, ["redirect_uri"] = redirectUri, ["client_id"] = clientId, ["code_verifier"] = theVerifier,
        };

        var wrongVerifier = await PostTokenAsync(Redeem(code, verifier + "0"));
        var tampered = await PostTokenAsync(Redeem(Tamper(code), verifier));
        var redeemed = await PostTokenAsync(Redeem(code, verifier));
        var replayed = await PostTokenAsync(Redeem(code, verifier));

        Assert.Contains("PKCE", wrongVerifier.Body.GetProperty("error_description").GetString());
        Assert.Equal("invalid_grant", tampered.Body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, redeemed.Status);
        Assert.Equal("Bearer", redeemed.Body.GetProperty("token_type").GetString());
        Assert.Equal("invalid_grant", replayed.Body.GetProperty("error").GetString());
        Assert.Contains("used already", replayed.Body.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task Registration_login_and_token_each_on_another_instance_work_as_on_one()
    {
        var (other, otherUrl) = await host.StartAnotherInstanceAsync();
        await using var _ = other;
        using var registered = await Http.PostAsJsonAsync(new Uri(otherUrl, "/register"),
            new { redirect_uris = new[] { "http://127.0.0.1:5555/callback" }, token_endpoint_auth_method = "client_secret_post" });
        var registration = await registered.Content.ReadFromJsonAsync<JsonElement>();
        var clientId = registration.GetProperty("client_id").GetString()!;
        var verifier = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        using var browser = new ScriptedBrowser();

        // /authorize and the callback on the first instance, /token on the other.
        var landed = await browser.RunAsync(AuthorizeUrl(clientId, "http://127.0.0.1:5555/callback", verifier),
            url => url.AbsoluteUri.StartsWith("http://127.0.0.1:5555/", StringComparison.Ordinal), "alice");
        using var response = await Http.PostAsync(new Uri(otherUrl, "/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = HttpUtility.ParseQueryString(landed.Query)["code"]!,
            ["redirect_uri"] = "http://127.0.0.1:5555/callback", ["code_verifier"] = verifier,
            ["client_id"] = clientId, ["client_secret"] = registration.GetProperty("client_secret").GetString()!,
        }));
        var tokens = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(response.IsSuccessStatusCode, $"token request failed: {tokens}");
        await using var client = await host.ConnectAsync(tokens.GetProperty("access_token").GetString()!);
        Assert.Contains("level_vm_lifecycle", (await client.ListToolsAsync()).Select(t => t.Name));
    }

    [Fact]
    public async Task A_user_in_no_group_is_sent_back_with_access_denied_naming_them_and_bad_requests_are_refused_with_why()
    {
        var clientId = (await RegisterAsync(["http://127.0.0.1:5555/callback"])).GetProperty("client_id").GetString()!;
        using var browser = new ScriptedBrowser();

        var denied = await browser.RunAsync(AuthorizeUrl(clientId, "http://127.0.0.1:5555/callback", "verifier-of-nora-0123456789012345678901234567"),
            url => url.AbsoluteUri.StartsWith("http://127.0.0.1:5555/", StringComparison.Ordinal), "nora");
        using var otherRedirect = await Http.GetAsync(AuthorizeUrl(clientId, "https://evil.example/callback", "v-0123456789012345678901234567890123456789"));
        using var plainPkce = await Http.GetAsync(new Uri(AuthorizeUrl(clientId, "http://127.0.0.1:5555/callback", "x").AbsoluteUri.Replace("S256", "plain")));
        using var unknownClient = await Http.GetAsync(AuthorizeUrl("someone-else", "http://127.0.0.1:5555/callback", "x"));
        using var httpRedirect = await Http.PostAsJsonAsync(new Uri(host.BaseUrl, "/register"), new { redirect_uris = new[] { "http://app.example/cb" } });

        var answer = HttpUtility.ParseQueryString(denied.Query);
        Assert.Equal("access_denied", answer["error"]);
        Assert.Contains("'nora'", answer["error_description"]);
        Assert.Contains("staff", answer["error_description"]);
        Assert.Equal(HttpStatusCode.BadRequest, otherRedirect.StatusCode);
        Assert.Contains("did not register", await otherRedirect.Content.ReadAsStringAsync());
        Assert.Contains("code_challenge_method%3DS256", plainPkce.Headers.Location!.Query.Replace("=", "%3D"));
        Assert.Equal("invalid_request", HttpUtility.ParseQueryString(plainPkce.Headers.Location!.Query)["error"]);
        Assert.Equal(HttpStatusCode.BadRequest, unknownClient.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, httpRedirect.StatusCode);
        Assert.Equal("invalid_redirect_uri", (await httpRedirect.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_providers_HS256_tokens_and_opaque_tokens_are_accepted_and_an_inactive_one_is_not()
    {
        var hs256 = host.Provider.Sign(host.Provider.Issuer, OidcProvider.ProxyClientId, DateTime.UtcNow.AddMinutes(5), ["vsphere-readers"],
            key: new SymmetricSecurityKey(Encoding.UTF8.GetBytes(OidcProvider.ProxyClientSecret)), algorithm: SecurityAlgorithms.HmacSha256);
        var opaque = await host.Provider.GetTokenAsync("operator", new Uri(host.Endpoint.AbsoluteUri + "?format=opaque"));

        using (var probe = await host.PostInitializeAsync(opaque))
        {
            Assert.True(probe.StatusCode == HttpStatusCode.OK, host.Process.StandardError);
        }
        await using var readerClient = await host.ConnectAsync(hs256);
        await using var operatorClient = await host.ConnectAsync(opaque);
        using var inactive = await host.PostInitializeAsync("not-a-token-the-provider-issued");

        Assert.DoesNotContain('.', opaque);
        Assert.Equal(["level_read_only"], (await readerClient.ListToolsAsync()).Select(t => t.Name));
        Assert.Equal(["level_power_ops", "level_read_only"], (await operatorClient.ListToolsAsync()).Select(t => t.Name).Order());
        Assert.Equal(HttpStatusCode.Unauthorized, inactive.StatusCode);
    }

    private async Task<McpClient> ConnectAsync(string login, RecordingTokenCache tokens, Uri? clientMetadataDocument = null)
    {
        var browser = new ScriptedBrowser();
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = host.Endpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            OAuth = new ClientOAuthOptions
            {
                RedirectUri = new Uri("http://127.0.0.1:7777/callback"),
                ClientMetadataDocumentUri = clientMetadataDocument,
                DynamicClientRegistration = new DynamicClientRegistrationOptions { ClientName = "McVSphere proxy tests" },
                TokenCache = tokens,
                AuthorizationCallbackHandler = async (authorization, _) =>
                {
                    var landed = await browser.RunAsync(authorization.AuthorizationUri,
                        url => url.AbsoluteUri.StartsWith(authorization.RedirectUri.AbsoluteUri, StringComparison.Ordinal), login);
                    var answer = HttpUtility.ParseQueryString(landed.Query);
                    Assert.True(answer["code"] is not null, $"the login of {login} ended without a code: {landed}");
                    return new AuthorizationResult { Code = answer["code"]!, State = answer["state"], Iss = answer["iss"] };
                },
            },
        });
        return await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = McVSphere.Testing.HostProcess.DefaultProtocolVersion });
    }

    private Uri AuthorizeUrl(string clientId, string redirectUri, string verifier, string? state = null)
    {
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return new Uri(host.BaseUrl, $"/authorize?response_type=code&client_id={Uri.EscapeDataString(clientId)}&redirect_uri={Uri.EscapeDataString(redirectUri)}" +
            $"&code_challenge={challenge}&code_challenge_method=S256&resource={Uri.EscapeDataString(host.Endpoint.AbsoluteUri)}" +
            (state is null ? "" : $"&state={state}"));
    }

    private async Task<JsonElement> RegisterAsync(string[] redirectUris)
    {
        using var response = await Http.PostAsJsonAsync(new Uri(host.BaseUrl, "/register"),
            new { redirect_uris = redirectUris, token_endpoint_auth_method = "none", client_name = "test client" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"registration failed: {body}");
        return body;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostTokenAsync(Dictionary<string, string> form)
    {
        using var response = await Http.PostAsync(new Uri(host.BaseUrl, "/token"), new FormUrlEncodedContent(form));
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    /// <summary>The same token with one character in its middle changed.</summary>
    private static string Tamper(string token)
    {
        var middle = token.Length / 2;
        return token[..middle] + (token[middle] == 'A' ? 'B' : 'A') + token[(middle + 1)..];
    }

    /// <summary>The SDK client's token cache, keeping what it stored for the test to look at.</summary>
    private sealed class RecordingTokenCache : ITokenCache
    {
        public TokenContainer? Last { get; private set; }

        public ValueTask<TokenContainer?> GetTokensAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Last);

        public ValueTask StoreTokensAsync(TokenContainer tokens, CancellationToken cancellationToken)
        {
            Last = tokens;
            return ValueTask.CompletedTask;
        }
    }
}
