using System.Net;
using System.Text.Json;
using McVSphere.SecurityTests.Infrastructure;
using McVSphere.Testing;

namespace McVSphere.SecurityTests;

/// <summary>JSON the MCP transport cannot bind gets a JSON-RPC error and one log line, never an HTTP 500 with a stack trace.</summary>
public sealed class MalformedRequestTests(LoopbackHost host) : IClassFixture<LoopbackHost>
{
    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":7,"method":"initialize","params":{}}""", "7", "protocolVersion")]
    [InlineData("""{"jsonrpc":"2.0","id":"a-1","method":"initialize","params":{"protocolVersion":5,"capabilities":{},"clientInfo":{"name":"x","version":"1"}}}""", "\"a-1\"", "protocolVersion")]
    public async Task An_initialize_whose_params_do_not_bind_gets_an_invalid_params_error_with_its_id(string json, string id, string named)
    {
        using var http = new HttpClient();
        using var response = await http.SendAsync(RawMcpRequest.Create(host.Endpoint, json));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var reply = JsonDocument.Parse(body);
        Assert.Equal("2.0", reply.RootElement.GetProperty("jsonrpc").GetString());
        Assert.Equal(id, reply.RootElement.GetProperty("id").GetRawText());
        var error = reply.RootElement.GetProperty("error");
        Assert.Equal(-32602, error.GetProperty("code").GetInt32());
        Assert.Contains("'initialize'", error.GetProperty("message").GetString());
        Assert.Contains(named, error.GetProperty("message").GetString());
        Assert.DoesNotContain("   at ", body);

        Assert.True(await host.Process.WaitForStandardErrorAsync("Refused a malformed MCP request (initialize)"), host.Process.StandardError);
        Assert.DoesNotContain("An unhandled exception was thrown", host.Process.StandardError);
    }

    [Fact]
    public async Task A_well_formed_initialize_still_gets_in()
    {
        using var http = new HttpClient();
        using var response = await http.SendAsync(RawMcpRequest.Initialize(host.Endpoint));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
