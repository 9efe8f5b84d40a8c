using McVSphere.Testing;
using ModelContextProtocol.Client;
using static McVSphere.Plugins.GuestOps.Tests.GuestOpsFixture;

namespace McVSphere.Plugins.GuestOps.Tests;

/// <summary>Which guest credentials apply, and the faults of guest operations as the caller reads them.</summary>
[Collection(GuestOpsCollection.Name)]
public sealed class GuestCredentialsAndFaultsTests(GuestOpsFixture fixture)
{
    [Fact]
    public async Task A_wrong_guest_password_is_an_invalid_guest_login()
    {
        var error = await fixture.Client.CallErrorAsync("list_guest_processes", new { name = ToolsVm, username = GuestUser, password = "wrong-password" });

        Assert.StartsWith("InvalidGuestLogin:", error);
        Assert.Contains($"rejected the login of user '{GuestUser}'", error);
        Assert.DoesNotContain("wrong-password", error);
    }

    [Fact]
    public async Task A_guest_without_running_tools_says_so_and_what_to_do()
    {
        var error = await fixture.Client.CallErrorAsync("run_command_in_guest", new
        {
            name = NoToolsVm, username = GuestUser, password = GuestPassword, command = "true",
        });

        Assert.StartsWith("GuestOperationsUnavailable:", error);
        Assert.Contains("VMware Tools is not running", error);
        Assert.Contains("guestToolsNotRunning", error);
        Assert.Contains("wait_for_vm_tools", error);
    }

    [Fact]
    public async Task Omitted_credentials_are_the_ones_configured_for_the_vm()
    {
        // Only alice may log in to this guest, and her password is only in the server's credentials file.
        var home = await fixture.Client.CallJsonAsync("list_guest_directory", new { name = ConfiguredVm, guest_path = "/home" });
        Assert.Contains(home.GetProperty("entries").EnumerateArray(), entry => entry.GetProperty("name").GetString() == ConfiguredUser);

        var whoami = await fixture.Client.CallJsonAsync("run_command_in_guest", new { name = ConfiguredVm, command = "echo $USER" });
        Assert.Equal($"{ConfiguredUser}\n", whoami.GetProperty("stdout").GetString());
    }

    [Fact]
    public async Task A_guest_user_denied_access_gets_a_permission_error()
    {
        var error = await fixture.Client.CallErrorAsync("list_guest_directory", new { name = ConfiguredVm, guest_path = "/root" });

        Assert.StartsWith("GuestPermissionDenied:", error);
        Assert.Contains($"user '{ConfiguredUser}' may not access /root", error);
    }

    [Fact]
    public async Task Without_credentials_given_or_configured_the_error_says_how_to_give_them()
    {
        var error = await fixture.Client.CallErrorAsync("list_guest_processes", new { name = ToolsVm });

        Assert.Contains($"Guest credentials are needed for '{ToolsVm}'", error);
        Assert.Contains("DC0_C0_RP0_VM?", error);
    }

    [Fact]
    public async Task A_broken_credentials_file_keeps_the_plugin_out_with_a_reason_naming_the_entry_but_no_password()
    {
        var file = Path.Combine(Path.GetTempPath(), $"mcvsphere-broken-credentials-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """[{"vm_pattern": "web-*", "username": "admin", "password": "Broken-Secret-3d"}, {"vm_pattern": "db-*"}]""");
        var log = new List<string>();
        try
        {
            var environment = new Dictionary<string, string?>(fixture.Simulator.HostEnvironment)
            {
                ["MCVSPHERE_PLUGINS"] = "GuestOps,Inventory",
                ["MCVSPHERE_GUEST_CREDENTIALS_FILE"] = file,
            };
            await using (var client = await HostProcess.StartStdioAsync(environment, line => { lock (log) { log.Add(line); } }))
            {
                var tools = await client.ListToolsAsync();
                Assert.DoesNotContain(tools, tool => tool.Name == "run_command_in_guest");
                Assert.Contains(tools, tool => tool.Name == "get_vcenter_info");
            }
            var text = string.Join('\n', log);
            Assert.Contains($"entry 2 of '{file}' needs", text);
            Assert.DoesNotContain("Broken-Secret-3d", text);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Guest_passwords_never_reach_the_host_log_or_the_audit_lines()
    {
        await fixture.Client.CallJsonAsync("list_guest_processes", new { name = ToolsVm, username = GuestUser, password = GuestPassword });
        await fixture.Client.CallErrorAsync("list_guest_processes", new { name = ToolsVm, username = GuestUser, password = "Another-Secret-55" });
        await fixture.Client.CallJsonAsync("list_guest_processes", new { name = ConfiguredVm });

        var log = fixture.HostLog;
        Assert.Contains("list_guest_processes", log); // The audit lines are there...
        Assert.DoesNotContain(GuestPassword, log); // ...without the passwords.
        Assert.DoesNotContain("Another-Secret-55", log);
        Assert.DoesNotContain(ConfiguredPassword, log);
    }
}
