using System.Text.Json;
using McVSphere.Host.Configuration;
using McVSphere.SecurityTests.Infrastructure;
using McVSphere.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McVSphere.SecurityTests;

/// <summary>
/// Compact mode's own operation, list_operations, under the same policy as every call: a caller in no group is denied,
/// every call is audited, and a caller sees only the operations it may call.
/// </summary>
public sealed class CompactModeTests(CompactOAuthHost host) : IClassFixture<CompactOAuthHost>
{
    private static readonly Dictionary<string, object?> ListOperations = new() { ["operation"] = "list_operations" };

    [Fact]
    public async Task A_caller_in_no_group_is_denied_list_operations_and_the_denial_is_audited()
    {
        await using var client = await host.ConnectAsync(await host.Provider.GetTokenAsync("nobody"));

        var result = await client.CallToolAsync("levels", ListOperations);

        Assert.True(result.IsError);
        Assert.Contains("tool 'levels' needs READ_ONLY; user 'nobody' has no permission", Text(result));
        Assert.DoesNotContain("level_read_only", Text(result));
        var denial = Assert.Single(host.AuditLines(), l => l.GetProperty("user").GetString() == "nobody");
        Assert.Equal("PERMISSION_DENIED", denial.GetProperty("event").GetString());
        Assert.Equal("levels", denial.GetProperty("tool").GetString());
        Assert.Equal("list_operations", denial.GetProperty("args").GetProperty("operation").GetString());
    }

    [Fact]
    public async Task A_caller_is_listed_only_the_operations_of_its_level_and_the_call_is_audited()
    {
        await using var client = await host.ConnectAsync(await host.Provider.GetTokenAsync("operator"));

        var result = await client.CallToolAsync("levels", ListOperations);
        var unknown = await client.CallToolAsync("levels", new Dictionary<string, object?> { ["operation"] = "level_nonexistent" });

        Assert.NotEqual(true, result.IsError);
        var operations = JsonDocument.Parse(Text(result)).RootElement.EnumerateArray().Select(o => o.GetProperty("operation").GetString()).Order();
        Assert.Equal(["level_power_ops", "level_read_only"], operations);
        Assert.True(unknown.IsError);
        Assert.EndsWith("Operations: list_operations, level_power_ops, level_read_only.", Text(unknown));
        var calls = host.AuditLines().Where(l => l.GetProperty("user").GetString() == "operator").ToList();
        Assert.Equal(["TOOL_CALL", "TOOL_CALL"], calls.Select(l => l.GetProperty("event").GetString()));
        Assert.All(calls, l => Assert.Equal("levels", l.GetProperty("tool").GetString()));
        Assert.Equal(["success", "error"], calls.Select(l => l.GetProperty("result").GetString()));
    }

    [Fact]
    public async Task In_read_only_mode_list_operations_lists_the_READ_ONLY_operations_only()
    {
        var port = LoopbackPorts.Reserve();
        await using var readOnly = await IsolatedHost.StartHttpAsync(port, new Dictionary<string, string?>
        {
            [HostSettings.ReadOnly.Name] = "true",
            [HostSettings.ToolMode.Name] = "compact",
        });
        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = new Uri($"http://127.0.0.1:{port}/mcp") }));

        var result = await client.CallToolAsync("levels", ListOperations);

        Assert.Equal(["level_read_only"], JsonDocument.Parse(Text(result)).RootElement.EnumerateArray().Select(o => o.GetProperty("operation").GetString()));
        Assert.True(await readOnly.WaitForStandardErrorAsync("\"tool\":\"levels\""), "list_operations wrote no audit line");
    }

    private static string Text(CallToolResult result) => string.Join(" ", result.Content.OfType<TextContentBlock>().Select(b => b.Text));
}
