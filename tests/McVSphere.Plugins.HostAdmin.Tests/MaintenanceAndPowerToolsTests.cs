using McVSphere.Testing;

namespace McVSphere.Plugins.HostAdmin.Tests;

/// <summary>
/// Maintenance mode, reboot and shutdown. Maintenance and the reboot in maintenance work on DC0_C0_H2 and leave it out
/// of maintenance mode; the forced reboot on DC0_C0_H1; the refusals on DC0_H0, which never enters maintenance mode.
/// </summary>
[Collection(MultiHostCollection.Name)]
public sealed class MaintenanceAndPowerToolsTests(MultiHostFixture fixture)
{
    private const string MaintenanceHost = "DC0_C0_H2";
    private const string ProductionHost = "DC0_H0";

    [Fact]
    public async Task Enter_and_exit_maintenance_mode_change_the_host_and_report_progress()
    {
        await using var progress = new ProgressRecorder(fixture.Client);

        var enter = await fixture.Client.CallJsonAsync("enter_maintenance_mode", new { host_name = MaintenanceHost, timeout_seconds = 60 }, progress);
        try
        {
            Assert.False(enter.GetProperty("was_in_maintenance_mode").GetBoolean());
            Assert.True(enter.GetProperty("in_maintenance_mode").GetBoolean());
            Assert.True(enter.GetProperty("changed").GetBoolean());
            Assert.True(await InMaintenanceMode(MaintenanceHost));
            var notifications = await progress.WaitForAsync(value => value.Progress >= 100);
            Assert.Contains(notifications, notification => notification.Progress == 100);
            Assert.All(notifications, notification => Assert.Contains("Entering maintenance mode on DC0_C0_H2", notification.Message));

            var again = await fixture.Client.CallJsonAsync("enter_maintenance_mode", new { host_name = MaintenanceHost, evacuate_vms = true });
            Assert.False(again.GetProperty("changed").GetBoolean());
        }
        finally
        {
            var exit = await fixture.Client.CallJsonAsync("exit_maintenance_mode", new { host_name = MaintenanceHost });
            Assert.True(exit.GetProperty("was_in_maintenance_mode").GetBoolean());
            Assert.False(exit.GetProperty("in_maintenance_mode").GetBoolean());
        }
        Assert.False(await InMaintenanceMode(MaintenanceHost));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(86_401)]
    public async Task A_timeout_out_of_range_is_refused(int timeout)
    {
        var error = await fixture.Client.CallErrorAsync("enter_maintenance_mode", new { host_name = MaintenanceHost, timeout_seconds = timeout });

        Assert.Contains("timeout_seconds", error);
        Assert.False(await InMaintenanceMode(MaintenanceHost));
    }

    [Theory]
    [InlineData("reboot_host")]
    [InlineData("shutdown_host")]
    public async Task Reboot_and_shutdown_are_refused_outside_maintenance_mode(string tool)
    {
        var before = await fixture.ReadHostAsync(ProductionHost, "runtime.bootTime");

        var error = await fixture.Client.CallErrorAsync(tool, new { host_name = ProductionHost });

        Assert.Contains("not in maintenance mode", error);
        Assert.Contains("force=true", error);
        var after = await fixture.ReadHostAsync(ProductionHost, "runtime.bootTime", "runtime.powerState");
        Assert.Equal("poweredOn", after["runtime.powerState"]?.AsString());
        Assert.Equal(before["runtime.bootTime"]?.AsDateTime(), after["runtime.bootTime"]?.AsDateTime());
    }

    [Fact]
    public async Task Reboot_in_maintenance_mode_reboots_the_host()
    {
        await fixture.Client.CallJsonAsync("enter_maintenance_mode", new { host_name = MaintenanceHost });
        try
        {
            var reboot = await fixture.Client.CallJsonAsync("reboot_host", new { host_name = MaintenanceHost });

            Assert.False(reboot.GetProperty("forced").GetBoolean());
            Assert.Equal("completed", reboot.GetProperty("status").GetString());
            Assert.StartsWith("task-", reboot.GetProperty("task").GetString());
            var bootedBefore = reboot.GetProperty("before").GetProperty("boot_time").GetDateTimeOffset();
            var bootedAfter = reboot.GetProperty("after").GetProperty("boot_time").GetDateTimeOffset();
            Assert.True(bootedAfter > bootedBefore, $"boot time {bootedBefore:O} → {bootedAfter:O}");
            var host = await fixture.ReadHostAsync(MaintenanceHost, "runtime.bootTime", "runtime.powerState");
            Assert.Equal(bootedAfter, host["runtime.bootTime"]!.AsDateTime());
            Assert.Equal("poweredOn", host["runtime.powerState"]!.AsString());
        }
        finally
        {
            await fixture.Client.CallJsonAsync("exit_maintenance_mode", new { host_name = MaintenanceHost });
        }
    }

    [Fact]
    public async Task A_forced_reboot_asks_for_confirmation_then_goes_ahead_outside_maintenance_mode()
    {
        const string host = "DC0_C0_H1";
        var bootTime = (await fixture.ReadHostAsync(host, "runtime.bootTime"))["runtime.bootTime"]!.AsDateTime();

        var unconfirmed = await fixture.Client.CallErrorAsync("reboot_host", new { host_name = host, force = true });
        Assert.Contains("confirm=true", unconfirmed);
        Assert.Equal(bootTime, (await fixture.ReadHostAsync(host, "runtime.bootTime"))["runtime.bootTime"]!.AsDateTime());

        var reboot = await fixture.Client.CallJsonAsync("reboot_host", new { host_name = host, force = true, confirm = true });

        Assert.True(reboot.GetProperty("forced").GetBoolean());
        Assert.False(reboot.GetProperty("after").GetProperty("in_maintenance_mode").GetBoolean());
        Assert.True(reboot.GetProperty("after").GetProperty("boot_time").GetDateTimeOffset() > reboot.GetProperty("before").GetProperty("boot_time").GetDateTimeOffset());
        Assert.Equal(reboot.GetProperty("after").GetProperty("boot_time").GetDateTimeOffset(),
            (await fixture.ReadHostAsync(host, "runtime.bootTime"))["runtime.bootTime"]!.AsDateTime());
    }

    private async Task<bool> InMaintenanceMode(string host) =>
        (await fixture.ReadHostAsync(host, "runtime.inMaintenanceMode"))["runtime.inMaintenanceMode"]!.AsBoolean();
}
