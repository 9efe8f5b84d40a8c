using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using McVSphere.SecurityTests.Infrastructure;
using McVSphere.Testing;
using Microsoft.IdentityModel.Tokens;

namespace McVSphere.SecurityTests;

/// <summary>OAUTH_ENABLED=true: only a valid token of the configured issuer, for this resource, gets in.</summary>
[Collection(OAuthHostCollection.Name)]
public sealed class AuthenticationTests(OAuthHost host)
{
    [Fact]
    public async Task No_token_gets_401_pointing_at_the_protected_resource_metadata_that_names_the_issuer()
    {
        using var response = await host.PostInitializeAsync(token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        var metadataUrl = new Uri(host.BaseUrl, "/.well-known/oauth-protected-resource/mcp");
        Assert.Contains($"resource_metadata=\"{metadataUrl}\"", challenge.Parameter);

        using var http = new HttpClient();
        var metadata = await http.GetFromJsonAsync<JsonElement>(metadataUrl);
        Assert.Equal(host.Endpoint.AbsoluteUri, metadata.GetProperty("resource").GetString());
        Assert.Equal([host.Provider.Issuer], metadata.GetProperty("authorization_servers").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task A_real_token_gets_in()
    {
        using var response = await host.PostInitializeAsync(await host.Provider.GetTokenAsync("reader"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_hand_made_token_with_nothing_wrong_gets_in_so_that_each_negative_case_fails_for_its_own_reason()
    {
        using var response = await host.PostInitializeAsync(
            host.Provider.Sign(host.Provider.Issuer, host.Endpoint.AbsoluteUri, DateTime.UtcNow.AddMinutes(5), ["vsphere-readers"]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("nonce")]
    [InlineData("at_hash")]
    [InlineData("c_hash")]
    public async Task An_ID_token_signed_by_the_provider_is_not_an_access_token_and_gets_401(string idTokenClaim)
    {
        // Everything an access token needs (issuer, audience, signature, lifetime), plus a claim only ID tokens carry
        // (OpenID Connect Core 2 and 3.1.3.6): a client that logged a user in must not use the ID token as a bearer token.
        var token = host.Provider.Sign(host.Provider.Issuer, host.Endpoint.AbsoluteUri, DateTime.UtcNow.AddMinutes(5), ["vsphere-super-admins"],
            extraClaims: new Dictionary<string, object> { [idTokenClaim] = "n-0S6_WzA2Mj" }, tokenType: "JWT");

        await AssertRejectedAsync(token);
    }

    [Fact]
    public async Task A_forged_signature_gets_401()
    {
        // The provider's key id, the right claims, another key.
        using var forger = RSA.Create(2048);
        var key = new RsaSecurityKey(forger) { KeyId = host.Provider.SigningKey.KeyId };
        var token = host.Provider.Sign(host.Provider.Issuer, host.Endpoint.AbsoluteUri, DateTime.UtcNow.AddMinutes(5), ["vsphere-super-admins"], key);

        await AssertRejectedAsync(token);
    }

    [Fact]
    public async Task A_real_token_with_its_payload_altered_gets_401()
    {
        var parts = (await host.Provider.GetTokenAsync("reader")).Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("vsphere-readers", "vsphere-super-admins");

        await AssertRejectedAsync($"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}");
    }

    [Fact]
    public async Task An_expired_token_gets_401()
    {
        // Signed with the provider's own key: only the expiry (past the 30 s clock skew) is wrong.
        await AssertRejectedAsync(host.Provider.Sign(host.Provider.Issuer, host.Endpoint.AbsoluteUri, DateTime.UtcNow.AddMinutes(-2), ["vsphere-super-admins"]));
    }

    [Fact]
    public async Task A_real_token_for_another_audience_gets_401()
    {
        await AssertRejectedAsync(await host.Provider.GetTokenAsync("super-admin", new Uri("https://other.example.com/mcp")));
    }

    [Fact]
    public async Task A_token_of_another_issuer_gets_401()
    {
        await AssertRejectedAsync(host.Provider.Sign("https://evil.example.com", host.Endpoint.AbsoluteUri, DateTime.UtcNow.AddMinutes(5), ["vsphere-super-admins"]));
    }

    [Fact]
    public async Task An_unsigned_alg_none_token_gets_401()
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"at+jwt"}""");
        var exp = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds();
        var payload = Base64UrlEncoder.Encode(
            $$"""{"iss":"{{host.Provider.Issuer}}","aud":"{{host.Endpoint.AbsoluteUri}}","sub":"forger","exp":{{exp}},"groups":["vsphere-super-admins"]}""");

        await AssertRejectedAsync($"{header}.{payload}.");
    }

    [Fact]
    public async Task A_session_is_bound_to_the_user_who_opened_it()
    {
        await using var reader = await host.ConnectAsync(await host.Provider.GetTokenAsync("reader"));
        using var http = new HttpClient();
        using var request = RawMcpRequest.Create(host.Endpoint, """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
        request.Headers.Add("Mcp-Session-Id", reader.SessionId);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await host.Provider.GetTokenAsync("super-admin"));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("does not match the user who initiated the session", await response.Content.ReadAsStringAsync());
    }

    private async Task AssertRejectedAsync(string token)
    {
        using var response = await host.PostInitializeAsync(token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
