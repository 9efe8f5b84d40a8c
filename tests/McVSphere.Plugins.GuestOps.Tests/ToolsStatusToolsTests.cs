using System.Diagnostics;
using McVSphere.Testing;
using McVSphere.VSphere.Vim;
using static McVSphere.Plugins.GuestOps.Tests.GuestOpsFixture;

namespace McVSphere.Plugins.GuestOps.Tests;

[Collection(GuestOpsCollection.Name)]
public sealed class ToolsStatusToolsTests(GuestOpsFixture fixture)
{
    [Fact]
    public async Task The_status_says_whether_tools_run_and_guest_operations_can_be_used()
    {
        var running = await fixture.Client.CallJsonAsync("get_vm_tools_status", new { name = ToolsVm });
        Assert.Equal("guestToolsRunning", running.GetProperty("tools_running_status").GetString());
        Assert.Equal("poweredOn", running.GetProperty("power_state").GetString());
        Assert.True(running.GetProperty("guest_operations_ready").GetBoolean());

        // The original's fields: what Tools report of the guest.
        await fixture.ReconfigureAsync(ToolsVm, new OptionValue("SET.guest.ipAddress", "10.0.0.7"), new OptionValue("SET.guest.hostName", "web-07"),
            new OptionValue("SET.guest.guestFullName", "Debian GNU/Linux 12 (64-bit)"));
        var reported = await fixture.Client.CallJsonAsync("get_vm_tools_status", new { name = ToolsVm });
        Assert.Equal("10.0.0.7", reported.GetProperty("ip_address").GetString());
        Assert.Equal("web-07", reported.GetProperty("hostname").GetString());
        Assert.Equal("Debian GNU/Linux 12 (64-bit)", reported.GetProperty("guest_os").GetString());

        var notRunning = await fixture.Client.CallJsonAsync("get_vm_tools_status", new { name = NoToolsVm });
        Assert.Equal("guestToolsNotRunning", notRunning.GetProperty("tools_running_status").GetString());
        Assert.False(notRunning.GetProperty("guest_operations_ready").GetBoolean());
    }

    [Fact]
    public async Task The_wait_returns_as_soon_as_tools_start_during_it()
    {
        var stopwatch = Stopwatch.StartNew();
        var wait = fixture.Client.CallJsonAsync("wait_for_vm_tools", new { name = WaitVm, timeout = 60 });
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(wait.IsCompleted, "wait_for_vm_tools returned before Tools started");

        await fixture.ReconfigureAsync(WaitVm, new OptionValue("SET.guest.toolsRunningStatus", "guestToolsRunning"));
        var result = await wait;

        Assert.True(result.GetProperty("ready").GetBoolean());
        Assert.False(result.GetProperty("timeout").GetBoolean());
        Assert.Equal("guestToolsRunning", result.GetProperty("status").GetProperty("tools_running_status").GetString());
        // Returned on the change, long before its timeout. No lower bound: on a busy machine the host may begin its wait
        // only just before Tools start, so its own count can be near zero.
        Assert.InRange(result.GetProperty("waited_seconds").GetDouble(), 0, 30);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task The_wait_ends_at_its_timeout_when_tools_never_start()
    {
        var result = await fixture.Client.CallJsonAsync("wait_for_vm_tools", new { name = NoToolsVm, timeout = 1 });

        Assert.False(result.GetProperty("ready").GetBoolean());
        Assert.True(result.GetProperty("timeout").GetBoolean());
        Assert.Contains("did not start", result.GetProperty("message").GetString());
        Assert.InRange(result.GetProperty("waited_seconds").GetDouble(), 0.9, 10);
    }

    [Fact]
    public async Task An_unknown_vm_is_answered_with_the_closest_names()
    {
        var error = await fixture.Client.CallErrorAsync("get_vm_tools_status", new { name = "DC0_H0_VM9" });

        Assert.Contains("No virtual machine named 'DC0_H0_VM9'", error);
        Assert.Contains("DC0_H0_VM0", error);
    }
}
