using System.Diagnostics;
using System.Net;
using System.Text.Json;
using McVSphere.SecurityTests.Infrastructure;
using McVSphere.Testing;

namespace McVSphere.SecurityTests;

/// <summary>MCVSPHERE_MAX_SESSIONS_PER_USER: a user's open sessions are capped; other users are not affected; a closed session frees its place.</summary>
public sealed class SessionLimitTests(SessionLimitedOAuthHost host) : IClassFixture<SessionLimitedOAuthHost>
{
    [Fact]
    public async Task A_user_past_the_session_limit_is_refused_naming_it_while_others_get_in_and_a_closed_session_frees_its_place()
    {
        var reader = await host.Provider.GetTokenAsync("reader");
        // Requests that open no session take no place for good.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var http = new HttpClient();
            using var request = RawMcpRequest.Create(host.Endpoint, """{"jsonrpc":"2.0","id":7,"method":"initialize","params":{}}""");
            request.Headers.Authorization = new("Bearer", reader);
            using var malformed = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        }
        await using var first = await host.ConnectAsync(reader);
        var second = await host.ConnectAsync(reader);

        using var refused = await host.PostInitializeAsync(reader);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        using var reply = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal(1, reply.RootElement.GetProperty("id").GetInt32());
        var message = reply.RootElement.GetProperty("error").GetProperty("message").GetString();
        Assert.Contains("user 'reader' holds 2 open", message);
        Assert.Contains("MCVSPHERE_MAX_SESSIONS_PER_USER", message);
        Assert.NotEmpty(await first.ListToolsAsync());

        await using (var admin = await host.ConnectAsync(await host.Provider.GetTokenAsync("super-admin")))
        {
            Assert.NotEmpty(await admin.ListToolsAsync());
        }

        await second.DisposeAsync(); // DELETE: the session ends, and its place is given back as it does.
        var waited = Stopwatch.StartNew();
        while (true)
        {
            using var again = await host.PostInitializeAsync(reader);
            if (again.StatusCode == HttpStatusCode.OK)
            {
                break;
            }
            Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the closed session's place was not given back within 30 s");
            await Task.Delay(100);
        }
    }
}
