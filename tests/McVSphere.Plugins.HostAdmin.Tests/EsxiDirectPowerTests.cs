using McVSphere.Testing;

namespace McVSphere.Plugins.HostAdmin.Tests;

/// <summary>
/// reboot_host and shutdown_host connected to an ESXi host itself: they return once the host accepts, as the host then
/// drops the connection (and, rebooting, the session); the server comes back with it.
/// </summary>
public sealed class EsxiDirectRebootTests(EsxiDirectFixture fixture) : IClassFixture<EsxiDirectFixture>
{
    [Fact]
    public async Task Reboot_returns_once_initiated_and_the_server_serves_the_host_again_when_it_is_back()
    {
        Assert.True((await fixture.VSphere.ConnectAsync()).About.IsHostAgent, "the test bed is not in ESXi-direct mode");
        var before = await fixture.Client.CallJsonAsync("get_host_info", new { });

        var reboot = await fixture.Client.CallJsonAsync("reboot_host", new { force = true, confirm = true });

        Assert.Equal("initiated", reboot.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(reboot.GetProperty("task").GetString()));
        Assert.False(reboot.TryGetProperty("after", out _), "a host that is going down cannot be read back");
        Assert.Equal(before.GetProperty("boot_time").GetDateTimeOffset(), reboot.GetProperty("before").GetProperty("boot_time").GetDateTimeOffset());

        var (state, boots) = await fixture.WaitForHostStateAsync("up");
        Assert.Equal(("up", 1), (state, boots));
        // The server's session did not survive the reboot: it logs in again.
        var after = await fixture.Client.CallJsonAsync("get_host_info", new { });
        Assert.True(after.GetProperty("boot_time").GetDateTimeOffset() > before.GetProperty("boot_time").GetDateTimeOffset());
        Assert.Equal("connected", after.GetProperty("connection_state").GetString());
    }
}

public sealed class EsxiDirectShutdownTests(EsxiDirectFixture fixture) : IClassFixture<EsxiDirectFixture>
{
    [Fact]
    public async Task Shutdown_returns_once_initiated_and_then_the_host_is_reported_unreachable()
    {
        var shutdown = await fixture.Client.CallJsonAsync("shutdown_host", new { force = true, confirm = true });

        Assert.Equal("initiated", shutdown.GetProperty("status").GetString());
        Assert.False(shutdown.TryGetProperty("after", out _));
        Assert.Equal("off", (await fixture.WaitForHostStateAsync("off")).State);
        var error = await fixture.Client.CallErrorAsync("get_host_info", new { });
        Assert.Contains(fixture.Simulator.Url.Authority, error);
    }
}
