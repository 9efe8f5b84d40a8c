using System.Text.Json;
using McVSphere.Host.Configuration;
using McVSphere.Host.Security;
using McVSphere.Sdk.Security;
using Microsoft.Extensions.DependencyInjection;

namespace McVSphere.Tests;

public sealed class AuditLogTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"audit-{Guid.NewGuid():N}.jsonl");

    private static readonly Caller Ann = new("ann", ["vsphere-operators"], PermissionLevel.PowerOps);

    private JsonElement[] Lines() => File.ReadAllLines(_file).Select(l => JsonDocument.Parse(l).RootElement).ToArray();

    [Fact]
    public void A_call_is_one_line_with_redacted_arguments_and_its_outcome()
    {
        using (var audit = new AuditLog(new AuditSettings(_file, ToStandardError: false), TimeProvider.System))
        {
            var arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>("""{"vm_name":"web-01","password":"hunter2"}""");
            audit.ToolCall(Ann, "power_on_vm", arguments, TimeSpan.FromMilliseconds(12.3456), error: null);
            audit.ToolCall(Ann, "power_on_vm", null, TimeSpan.Zero, error: "VM 'x' not found.");
        }

        var lines = Lines();
        Assert.Equal(
            """{"event":"TOOL_CALL","user":"ann","groups":["vsphere-operators"],"tool":"power_on_vm","args":{"vm_name":"web-01","password":"[REDACTED]"},"duration_ms":12.35,"result":"success"}""",
            WithoutTimestamp(lines[0]));
        Assert.Equal("error", lines[1].GetProperty("result").GetString());
        Assert.Equal("VM 'x' not found.", lines[1].GetProperty("error").GetString());
        Assert.DoesNotContain("hunter2", File.ReadAllText(_file));
    }

    [Fact]
    public void A_denial_names_the_level_that_was_needed()
    {
        using (var audit = new AuditLog(new AuditSettings(_file, ToStandardError: false), TimeProvider.System))
        {
            audit.Denied(Ann, PermissionLevel.VmLifecycle, tool: "delete_vm");
            audit.Denied(Ann, PermissionLevel.ReadOnly, resource: "vsphere://inventory");
        }

        var lines = Lines();
        Assert.Equal(
            """{"event":"PERMISSION_DENIED","user":"ann","groups":["vsphere-operators"],"tool":"delete_vm","args":{},"required_permission":"VM_LIFECYCLE"}""",
            WithoutTimestamp(lines[0]));
        Assert.Equal(
            """{"event":"PERMISSION_DENIED","user":"ann","groups":["vsphere-operators"],"resource":"vsphere://inventory","required_permission":"READ_ONLY"}""",
            WithoutTimestamp(lines[1]));
        Assert.True(lines[0].GetProperty("timestamp").GetDateTimeOffset().Offset == TimeSpan.Zero);
    }

    [Fact]
    public void Two_principals_with_the_same_display_name_are_told_apart_by_sub_and_iss()
    {
        using (var audit = new AuditLog(new AuditSettings(_file, ToStandardError: false), TimeProvider.System))
        {
            audit.ToolCall(Ann with { Subject = "u-1", Issuer = "https://auth.example.com" }, "list_vms", null, TimeSpan.Zero, error: null);
            audit.Denied(Ann with { Subject = "u-2", Issuer = "https://other.example.com" }, PermissionLevel.VmLifecycle, tool: "delete_vm");
        }

        var lines = Lines();
        Assert.All(lines, l => Assert.Equal("ann", l.GetProperty("user").GetString()));
        Assert.Equal(("u-1", "https://auth.example.com"), (lines[0].GetProperty("sub").GetString(), lines[0].GetProperty("iss").GetString()));
        Assert.Equal(("u-2", "https://other.example.com"), (lines[1].GetProperty("sub").GetString(), lines[1].GetProperty("iss").GetString()));
        Assert.StartsWith("""{"timestamp":""", File.ReadLines(_file).First());
        Assert.Contains(""","user":"ann","sub":"u-1","iss":"https://auth.example.com","groups":""", File.ReadLines(_file).First());
    }

    [Fact]
    public void An_audit_file_that_cannot_be_opened_stops_start_up_naming_the_setting()
    {
        var options = new McVSphereOptions
        {
            PluginDirectory = ".",
            Security = new SecurityOptions { Audit = new AuditSettings(Path.GetTempPath(), ToStandardError: false) }, // a directory
        };

        var ex = Assert.Throws<HostConfigurationException>(() => new ServiceCollection().AddMcVSphereAccessControl(options));

        Assert.StartsWith("MCVSPHERE_AUDIT_FILE: cannot append to", Assert.Single(ex.Problems));
    }

    private static string WithoutTimestamp(JsonElement line) =>
        "{" + string.Join(",", line.EnumerateObject().Where(p => p.Name != "timestamp").Select(p => $"\"{p.Name}\":{p.Value.GetRawText()}")) + "}";

    public void Dispose() => File.Delete(_file);
}
