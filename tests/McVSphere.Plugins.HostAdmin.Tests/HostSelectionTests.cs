using McVSphere.Testing;

namespace McVSphere.Plugins.HostAdmin.Tests;

/// <summary>Every tool acts on the host it is given, refuses to guess among several, and uses the only one when there is one.</summary>
[Collection(MultiHostCollection.Name)]
public sealed class HostSelectionTests(MultiHostFixture fixture)
{
    /// <summary>Each tool with its arguments other than host_name (valid ones, so only the host is missing).</summary>
    public static TheoryData<string, object> Tools => new()
    {
        { "get_host_info", new { } },
        { "get_host_hardware", new { } },
        { "get_host_networking", new { } },
        { "list_services", new { } },
        { "get_service_status", new { service_key = "ntpd" } },
        { "start_service", new { service_key = "TSM-SSH" } },
        { "stop_service", new { service_key = "TSM-SSH" } },
        { "restart_service", new { service_key = "TSM-SSH" } },
        { "set_service_policy", new { service_key = "TSM-SSH", policy = "on" } },
        { "get_ntp_config", new { } },
        { "configure_ntp", new { ntp_servers = "pool.ntp.org" } },
        { "enter_maintenance_mode", new { } },
        { "exit_maintenance_mode", new { } },
        { "reboot_host", new { } },
        { "shutdown_host", new { } },
    };

    [Theory]
    [MemberData(nameof(Tools))]
    public async Task Without_host_name_among_several_hosts_the_tool_refuses_and_lists_them(string tool, object arguments)
    {
        var error = await fixture.Client.CallErrorAsync(tool, arguments);

        Assert.Contains("host_name is required", error);
        Assert.All(MultiHostFixture.Hosts, host => Assert.Contains(host, error));
    }

    [Fact]
    public async Task A_refused_call_changes_nothing()
    {
        var before = await Task.WhenAll(MultiHostFixture.Hosts.Select(host => fixture.ReadHostAsync(host, "runtime.bootTime", "runtime.powerState")));

        await fixture.Client.CallErrorAsync("shutdown_host", new { force = true, confirm = true });

        var after = await Task.WhenAll(MultiHostFixture.Hosts.Select(host => fixture.ReadHostAsync(host, "runtime.bootTime", "runtime.powerState")));
        Assert.Equal(before.Select(host => host["runtime.powerState"]?.AsString()), after.Select(host => host["runtime.powerState"]?.AsString()));
        Assert.All(after, host => Assert.Equal("poweredOn", host["runtime.powerState"]?.AsString()));
    }

    [Fact]
    public async Task An_unknown_host_name_is_answered_with_the_closest_names()
    {
        var error = await fixture.Client.CallErrorAsync("get_host_info", new { host_name = "DC0_C0_H7" });

        Assert.Contains("DC0_C0_H7", error);
        Assert.Contains("DC0_C0_H0", error);
    }

    [Fact]
    public async Task A_host_can_be_named_by_its_inventory_path()
    {
        var info = await fixture.Client.CallJsonAsync("get_host_info", new { host_name = "DC0/host/DC0_C0/DC0_C0_H1" });

        Assert.Equal("DC0_C0_H1", info.GetProperty("host").GetString());
    }
}

/// <summary>With a single host, host_name may be left out: every tool acts on that host.</summary>
public sealed class SingleHostTests(SingleHostFixture fixture) : IClassFixture<SingleHostFixture>
{
    [Theory]
    [InlineData("get_host_info")]
    [InlineData("get_host_hardware")]
    [InlineData("get_host_networking")]
    [InlineData("list_services")]
    [InlineData("get_ntp_config")]
    public async Task Read_tools_use_the_only_host(string tool)
    {
        var result = await fixture.Client.CallJsonAsync(tool);

        Assert.Equal(SingleHostFixture.Host, result.GetProperty("host").GetString());
    }

    [Fact]
    public async Task Service_tools_use_the_only_host()
    {
        var status = await fixture.Client.CallJsonAsync("get_service_status", new { service_key = "lbtd" });
        var change = await fixture.Client.CallJsonAsync("restart_service", new { service_key = "TSM" });

        Assert.Equal(SingleHostFixture.Host, status.GetProperty("host").GetString());
        Assert.Equal(SingleHostFixture.Host, change.GetProperty("host").GetString());
        Assert.True((await fixture.ReadServiceAsync(SingleHostFixture.Host, "TSM")).Running);
    }

    [Fact]
    public async Task Configure_ntp_uses_the_only_host()
    {
        var change = await fixture.Client.CallJsonAsync("configure_ntp", new { ntp_servers = new[] { "time.example.org" } });

        Assert.Equal(SingleHostFixture.Host, change.GetProperty("host").GetString());
        Assert.Equal(["time.example.org"], (await fixture.ReadDateTimeAsync(SingleHostFixture.Host)).NtpServers);
    }

    [Fact]
    public async Task Maintenance_mode_then_shutdown_of_the_only_host_report_progress_and_power_it_off()
    {
        await fixture.Client.CallJsonAsync("enter_maintenance_mode");
        await using var progress = new ProgressRecorder(fixture.Client);

        var shutdown = await fixture.Client.CallJsonAsync("shutdown_host", new { }, progress);

        Assert.Equal(SingleHostFixture.Host, shutdown.GetProperty("host").GetString());
        Assert.Equal("poweredOff", shutdown.GetProperty("after").GetProperty("power_state").GetString());
        var host = await fixture.ReadHostAsync(SingleHostFixture.Host, "runtime.powerState", "runtime.inMaintenanceMode");
        Assert.Equal("poweredOff", host["runtime.powerState"]?.AsString());
        // The simulator's task runs 1 s in ten steps: the caller sees it move, then finish.
        var steps = (await progress.WaitForAsync(value => value.Progress >= 100)).Select(value => value.Progress).ToArray();
        Assert.True(steps.Count(step => step is > 0 and < 100) >= 3, $"progress notifications: {string.Join(", ", steps)}");
        Assert.Equal(100, steps.Max());
        Assert.All(await progress.WaitForAsync(value => value.Progress >= 100), value => Assert.Contains($"Shutting down {SingleHostFixture.Host}", value.Message));
    }
}
