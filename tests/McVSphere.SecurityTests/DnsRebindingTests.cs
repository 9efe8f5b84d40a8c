using System.Net;
using McVSphere.SecurityTests.Infrastructure;
using McVSphere.Testing;

namespace McVSphere.SecurityTests;

/// <summary>One host over HTTP on loopback without OAuth, shared by a test class.</summary>
public sealed class LoopbackHost : IAsyncLifetime
{
    private readonly int _port = LoopbackPorts.Reserve();
    private IsolatedHost? _host;

    public Uri Endpoint => new($"http://127.0.0.1:{_port}/mcp");

    /// <summary>The host process, for its stderr.</summary>
    internal IsolatedHost Process => _host!;

    public async Task InitializeAsync() => _host = await IsolatedHost.StartHttpAsync(_port, new Dictionary<string, string?>());

    public async Task DisposeAsync() => await _host!.DisposeAsync();
}

/// <summary>The HTTP endpoint answers only its own host names and origins (MCP transport spec, DNS-rebinding protection).</summary>
public sealed class DnsRebindingTests(LoopbackHost host) : IClassFixture<LoopbackHost>
{
    [Theory]
    [InlineData("127.0.0.1", null, HttpStatusCode.OK)]
    [InlineData("localhost", "http://localhost:3000", HttpStatusCode.OK)]
    [InlineData("evil.example.com", null, HttpStatusCode.BadRequest)]
    [InlineData("127.0.0.1", "http://evil.example.com", HttpStatusCode.Forbidden)]
    [InlineData("127.0.0.1", "null", HttpStatusCode.Forbidden)]
    public async Task Host_and_Origin_headers_are_checked(string hostName, string? origin, HttpStatusCode expected)
    {
        using var http = new HttpClient();
        using var request = RawMcpRequest.Initialize(host.Endpoint);
        request.Headers.Host = $"{hostName}:{host.Endpoint.Port}";
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        using var response = await http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task The_MCP_conformance_suite_dns_rebinding_protection_scenario_passes()
    {
        var (exitCode, output) = await NodeTools.RunConformanceAsync(host.Endpoint, "--scenario", "dns-rebinding-protection");

        Assert.True(exitCode == 0, $"conformance exited with {exitCode}:\n{output}");
    }
}
