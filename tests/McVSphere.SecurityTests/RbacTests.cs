using System.Text.Json;
using McVSphere.Sdk.Security;
using McVSphere.SecurityTests.Infrastructure;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McVSphere.SecurityTests;

/// <summary>Group-based RBAC over OAuth, with real tokens from the provider, and the audit lines it leaves.</summary>
[Collection(OAuthHostCollection.Name)]
public sealed class RbacTests(OAuthHost host)
{
    /// <summary>LevelsPlugin's tool for each level, least privileged first.</summary>
    private static readonly string[] ToolOfLevel = ["level_read_only", "level_power_ops", "level_vm_lifecycle", "level_host_admin", "level_full_admin"];

    private static readonly Dictionary<string, object?> FullAdminArguments = new()
    {
        ["vm"] = "web-01",
        ["username"] = "root",
        ["password"] = "hunter2-guest-password",
        ["command"] = "uptime",
    };

    /// <summary>Each user and its level, in both protocol eras: with initialize and a session, and 2026-07-28's per-request one.</summary>
    public static TheoryData<string, PermissionLevel, string> UsersAndLevels
    {
        get
        {
            var data = new TheoryData<string, PermissionLevel, string>();
            foreach (var protocolVersion in new[] { "2025-11-25", "2026-07-28" })
            {
                data.Add("reader", PermissionLevel.ReadOnly, protocolVersion);
                data.Add("operator", PermissionLevel.PowerOps, protocolVersion);
                data.Add("admin", PermissionLevel.VmLifecycle, protocolVersion);
                data.Add("host-admin", PermissionLevel.HostAdmin, protocolVersion);
                data.Add("super-admin", PermissionLevel.FullAdmin, protocolVersion);
                data.Add("reader-and-admin", PermissionLevel.VmLifecycle, protocolVersion); // union of its groups
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(UsersAndLevels))]
    public async Task Each_group_sees_exactly_its_tools_may_call_its_level_and_is_denied_one_level_up(string user, PermissionLevel level,
        string protocolVersion)
    {
        await using var client = await host.ConnectAsync(await host.Provider.GetTokenAsync(user), protocolVersion);
        Assert.Equal(protocolVersion, client.NegotiatedProtocolVersion);
        Assert.Equal(protocolVersion == "2026-07-28", client.SessionId is null);

        var tools = await client.ListToolsAsync();
        Assert.Equal(ToolOfLevel[..((int)level + 1)].Order(), tools.Select(t => t.Name).Order());

        var own = await CallAsync(client, ToolOfLevel[(int)level]);
        Assert.NotEqual(true, own.IsError);

        if (level < PermissionLevel.FullAdmin)
        {
            var above = level + 1;
            bool IsThisDenial(JsonElement line) => line.GetProperty("user").GetString() == user && line.GetProperty("event").GetString() == "PERMISSION_DENIED";
            var deniedBefore = host.AuditLines().Count(IsThisDenial); // The other era's run of this user leaves one too.
            var denied = await CallAsync(client, ToolOfLevel[(int)above]);

            Assert.True(denied.IsError);
            Assert.Contains($"needs {above.ToWireName()}", Text(denied));
            Assert.Contains($"has {level.ToWireName()}", Text(denied));
            var lines = host.AuditLines().Where(IsThisDenial).ToList();
            Assert.Equal(deniedBefore + 1, lines.Count);
            var line = lines[^1];
            Assert.Equal(ToolOfLevel[(int)above], line.GetProperty("tool").GetString());
            Assert.Equal(above.ToWireName(), line.GetProperty("required_permission").GetString());
            Assert.Contains(line.GetProperty("groups").EnumerateArray(), g => g.GetString()!.StartsWith("vsphere-", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_user_in_no_known_group_sees_nothing_and_is_denied_everything()
    {
        await using var client = await host.ConnectAsync(await host.Provider.GetTokenAsync("nobody"));

        Assert.Empty(await client.ListToolsAsync());
        Assert.Empty(await client.ListResourcesAsync());
        Assert.Empty(await client.ListResourceTemplatesAsync());
        foreach (var tool in ToolOfLevel)
        {
            var result = await CallAsync(client, tool);
            Assert.True(result.IsError);
            Assert.Contains("has no permission", Text(result));
        }
        var read = await Assert.ThrowsAsync<McpProtocolException>(() => client.ReadResourceAsync("levels://info").AsTask());
        Assert.Contains("needs READ_ONLY", read.Message);
        // A denial is an answer, not a failure: one log line at most, no stack trace.
        Assert.True(await host.Process.WaitForStandardErrorAsync("levels://info"), host.Process.StandardError);
        Assert.False(host.Process.StandardError.Contains("   at ", StringComparison.Ordinal), host.Process.StandardError);

        var denials = host.AuditLines().Where(l => l.GetProperty("user").GetString() == "nobody").ToList();
        Assert.All(denials, l => Assert.Equal("PERMISSION_DENIED", l.GetProperty("event").GetString()));
        Assert.Equal(ToolOfLevel.Order(), denials.Where(l => l.TryGetProperty("tool", out _)).Select(l => l.GetProperty("tool").GetString()).Order());
        Assert.Contains(denials, l => l.TryGetProperty("resource", out var r) && r.GetString() == "levels://info");
    }

    [Fact]
    public async Task Readers_may_list_and_read_resources()
    {
        await using var client = await host.ConnectAsync(await host.Provider.GetTokenAsync("reader"));

        var resource = Assert.Single(await client.ListResourcesAsync());
        Assert.Equal("levels://info", resource.Uri);
        var read = await client.ReadResourceAsync("levels://info");
        Assert.Equal("levels fixture", Assert.IsType<TextResourceContents>(Assert.Single(read.Contents)).Text);
    }

    [Fact]
    public async Task The_audit_file_holds_each_call_with_its_outcome_and_secrets_redacted()
    {
        await using var client = await host.ConnectAsync(await host.Provider.GetTokenAsync("super-admin"));
        var earlier = host.AuditLines().Count;

        await CallAsync(client, "level_full_admin");
        await client.CallToolAsync("level_read_only", new Dictionary<string, object?> { ["fail"] = true });

        var lines = host.AuditLines().Skip(earlier).ToList();
        var call = Assert.Single(lines, l => l.GetProperty("tool").GetString() == "level_full_admin");
        Assert.Equal("TOOL_CALL", call.GetProperty("event").GetString());
        // The principal, not only its display name: client-credentials tokens have the client id as subject.
        Assert.Equal("super-admin", call.GetProperty("sub").GetString());
        Assert.Equal(host.Provider.Issuer, call.GetProperty("iss").GetString());
        Assert.Equal(["vsphere-super-admins"], call.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal("success", call.GetProperty("result").GetString());
        Assert.True(call.GetProperty("duration_ms").GetDouble() >= 0);
        Assert.True(DateTimeOffset.UtcNow - call.GetProperty("timestamp").GetDateTimeOffset() < TimeSpan.FromMinutes(1));
        var args = call.GetProperty("args");
        Assert.Equal("[REDACTED]", args.GetProperty("password").GetString());
        Assert.Equal("web-01", args.GetProperty("vm").GetString());

        var failed = Assert.Single(lines, l => l.GetProperty("tool").GetString() == "level_read_only");
        Assert.Equal("error", failed.GetProperty("result").GetString());
        Assert.Contains("failed as requested", failed.GetProperty("error").GetString());

        Assert.DoesNotContain("hunter2", File.ReadAllText(host.AuditFile));
    }

    private static Task<CallToolResult> CallAsync(McpClient client, string tool) =>
        client.CallToolAsync(tool, tool == "level_full_admin" ? FullAdminArguments : null).AsTask();

    private static string Text(CallToolResult result) => string.Join(" ", result.Content.OfType<TextContentBlock>().Select(b => b.Text));
}
