using System.Net;
using McVSphere.Host.Configuration;
using McVSphere.SecurityTests.Infrastructure;
using McVSphere.Testing;

namespace McVSphere.SecurityTests;

/// <summary>The provider rotates its signing key: the host fetches the new JWKS when a token names a key it has not seen.</summary>
public sealed class KeyRotationTests
{
    [Fact]
    public async Task Tokens_signed_with_a_rotated_key_are_accepted_without_a_restart()
    {
        var port = LoopbackPorts.Reserve();
        var endpoint = new Uri($"http://127.0.0.1:{port}/mcp");
        var provider = await OidcProvider.StartAsync(endpoint);
        var issuer = new Uri(provider.Issuer);
        await using var host = await IsolatedHost.StartHttpAsync(port, new Dictionary<string, string?>
        {
            [HostSettings.OAuthEnabled.Name] = "true",
            [HostSettings.OAuthIssuerUrl.Name] = provider.Issuer,
            [HostSettings.OAuthBaseUrl.Name] = $"http://127.0.0.1:{port}",
        });
        try
        {
            using (var before = await PostAsync(endpoint, await provider.GetTokenAsync("reader")))
            {
                Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            }
            var oldKey = provider.SigningKey.KeyId;

            // Same issuer, same port, a new key.
            await provider.DisposeAsync();
            provider = await OidcProvider.StartAsync(endpoint, issuer.Port);
            Assert.NotEqual(oldKey, provider.SigningKey.KeyId);

            // The first token with the unseen key id starts a JWKS refresh in the background; it lands within moments.
            var token = await provider.GetTokenAsync("reader");
            var status = HttpStatusCode.Unauthorized;
            for (var attempt = 0; attempt < 50 && status != HttpStatusCode.OK; attempt++)
            {
                await Task.Delay(attempt == 0 ? 0 : 100);
                using var after = await PostAsync(endpoint, token);
                status = after.StatusCode;
            }
            Assert.Equal(HttpStatusCode.OK, status);
        }
        finally
        {
            await provider.DisposeAsync();
        }
    }

    private static async Task<HttpResponseMessage> PostAsync(Uri endpoint, string token)
    {
        using var http = new HttpClient();
        using var request = RawMcpRequest.Initialize(endpoint);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }
}
