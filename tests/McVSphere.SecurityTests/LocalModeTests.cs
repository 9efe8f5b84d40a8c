using System.Text.Json;
using McVSphere.Host.Configuration;
using McVSphere.SecurityTests.Infrastructure;
using McVSphere.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McVSphere.SecurityTests;

/// <summary>Without OAuth: the trusted local caller, its cap, read-only mode, and the refusal to expose it to the network.</summary>
public sealed class LocalModeTests
{
    [Fact]
    public async Task Stdio_trusts_the_local_user_up_to_MCVSPHERE_STDIO_ROLE_and_audits_as_local()
    {
        var auditFile = Path.GetTempFileName();
        try
        {
            await using var client = await HostProcess.StartStdioAsync(IsolatedHost.Environment(new Dictionary<string, string?>
            {
                [HostSettings.StdioRole.Name] = "POWER_OPS",
                [HostSettings.AuditFile.Name] = auditFile,
            }));

            Assert.Equal(["level_power_ops", "level_read_only"], (await client.ListToolsAsync()).Select(t => t.Name).Order());
            Assert.NotEqual(true, (await client.CallToolAsync("level_power_ops")).IsError);
            var denied = await client.CallToolAsync("level_vm_lifecycle");
            Assert.True(denied.IsError);
            Assert.Contains("needs VM_LIFECYCLE; user 'local' has POWER_OPS", Text(denied));

            var lines = File.ReadAllLines(auditFile).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Equal(["TOOL_CALL", "PERMISSION_DENIED"], lines.Select(l => l.GetProperty("event").GetString()));
            Assert.All(lines, l => Assert.Equal("local", l.GetProperty("user").GetString()));
        }
        finally
        {
            File.Delete(auditFile);
        }
    }

    [Fact]
    public async Task Read_only_mode_serves_only_READ_ONLY_tools_even_to_a_full_admin()
    {
        var port = LoopbackPorts.Reserve();
        await using var host = await IsolatedHost.StartHttpAsync(port, new Dictionary<string, string?> { [HostSettings.ReadOnly.Name] = "true" });
        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = new Uri($"http://127.0.0.1:{port}/mcp") }));

        Assert.Equal(["level_read_only"], (await client.ListToolsAsync()).Select(t => t.Name));
        var denied = await client.CallToolAsync("level_full_admin", new Dictionary<string, object?> { ["vm"] = "a", ["username"] = "b", ["password"] = "c", ["command"] = "d" });
        Assert.True(denied.IsError);
        Assert.Contains("needs FULL_ADMIN, and this server runs in read-only mode (MCVSPHERE_READ_ONLY=true)", Text(denied));
        Assert.True(await host.WaitForStandardErrorAsync("\"event\":\"PERMISSION_DENIED\""), "no audit line on stderr (the default)");
    }

    [Fact]
    public async Task Http_without_OAuth_on_a_non_loopback_address_is_refused_at_start()
    {
        await using var host = IsolatedHost.Start(new Dictionary<string, string?>
        {
            [HostSettings.Transport.Name] = "streamable-http",
            [HostSettings.HttpHost.Name] = "0.0.0.0",
            [HostSettings.HttpPort.Name] = LoopbackPorts.Reserve().ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        Assert.Equal(2, await host.WaitForExitAsync());
        Assert.Contains("MCP_HOST: '0.0.0.0' is not a loopback address", host.StandardError);
        Assert.Contains("OAUTH_ENABLED", host.StandardError);
        Assert.Contains("MCP_ALLOW_UNAUTHENTICATED=true", host.StandardError);
    }

    [Fact]
    public async Task Http_without_OAuth_bound_beyond_loopback_by_a_Kestrel_endpoint_is_refused()
    {
        var port = LoopbackPorts.Reserve();
        await using var host = IsolatedHost.Start(new Dictionary<string, string?>
        {
            [HostSettings.Transport.Name] = "streamable-http",
            [HostSettings.HttpPort.Name] = LoopbackPorts.Reserve().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Kestrel__Endpoints__Public__Url"] = $"http://0.0.0.0:{port}",
        });

        Assert.Equal(2, await host.WaitForExitAsync());
        Assert.Contains($"the server listens on http://0.0.0.0:{port}, which is not loopback", host.StandardError);
        Assert.Contains("(Kestrel__Endpoints__Public__Url)", host.StandardError);
        Assert.Contains("MCP_ALLOW_UNAUTHENTICATED=true", host.StandardError);
    }

    [Fact]
    public async Task Http_without_OAuth_bound_beyond_loopback_on_purpose_serves()
    {
        var port = LoopbackPorts.Reserve();
        await using var host = IsolatedHost.Start(new Dictionary<string, string?>
        {
            [HostSettings.Transport.Name] = "streamable-http",
            [HostSettings.AllowUnauthenticated.Name] = "true",
            ["Kestrel__Endpoints__Public__Url"] = $"http://0.0.0.0:{port}",
        });
        await host.WaitUntilServingAsync(new Uri($"http://127.0.0.1:{port}/healthz"));
        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = new Uri($"http://127.0.0.1:{port}/mcp") }));

        Assert.NotEmpty(await client.ListToolsAsync());
    }

    [Fact]
    public async Task An_invalid_security_setting_stops_start_up_naming_it()
    {
        await using var host = IsolatedHost.Start(new Dictionary<string, string?> { [HostSettings.RoleMapping.Name] = "vsphere-admins=GOD_MODE" });

        Assert.Equal(2, await host.WaitForExitAsync());
        Assert.Contains("MCVSPHERE_ROLE_MAP: 'GOD_MODE' (for group 'vsphere-admins') is not a level", host.StandardError);
    }

    private static string Text(CallToolResult result) => string.Join(" ", result.Content.OfType<TextContentBlock>().Select(b => b.Text));
}
