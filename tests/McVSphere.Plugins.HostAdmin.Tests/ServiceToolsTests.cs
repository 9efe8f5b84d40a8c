using System.Text.Json;
using McVSphere.Testing;

namespace McVSphere.Plugins.HostAdmin.Tests;

/// <summary>The service tools change what the host's HostServiceSystem holds and report it before and after. They work on DC0_C0_H0.</summary>
[Collection(MultiHostCollection.Name)]
public sealed class ServiceToolsTests(MultiHostFixture fixture)
{
    private const string Host = "DC0_C0_H0";

    [Fact]
    public async Task List_services_reports_every_service_of_the_host()
    {
        var list = await fixture.Client.CallJsonAsync("list_services", new { host_name = Host });

        var expected = await fixture.ReadServicesAsync(Host);
        var services = list.GetProperty("services").EnumerateArray().ToArray();
        Assert.Equal(expected.Select(service => service.Key), services.Select(service => service.GetProperty("key").GetString()));
        var ntpd = Assert.Single(services, service => service.GetProperty("key").GetString() == "ntpd");
        Assert.Equal("NTP Daemon", ntpd.GetProperty("label").GetString());
        Assert.Equal(["ntpClient"], ntpd.GetProperty("firewall_rulesets").EnumerateArray().Select(rule => rule.GetString()));
        Assert.True(Assert.Single(services, service => service.GetProperty("key").GetString() == "vmsyslogd").GetProperty("required").GetBoolean());
    }

    [Fact]
    public async Task Get_service_status_matches_the_host_and_ignores_the_case_of_the_key()
    {
        var status = await fixture.Client.CallJsonAsync("get_service_status", new { service_key = "dcui", host_name = Host });

        var expected = await fixture.ReadServiceAsync(Host, "DCUI");
        var service = status.GetProperty("service");
        Assert.Equal("DCUI", service.GetProperty("key").GetString());
        Assert.Equal(expected.Running, service.GetProperty("running").GetBoolean());
        Assert.Equal("on", service.GetProperty("policy").GetString());
    }

    [Fact]
    public async Task Stop_start_and_restart_report_the_running_state_before_and_after()
    {
        var stop = await Call("stop_service");
        Assert.False(State(stop, "after").GetProperty("running").GetBoolean());
        Assert.False((await fixture.ReadServiceAsync(Host, "TSM-SSH")).Running);

        var start = await Call("start_service");
        Assert.False(State(start, "before").GetProperty("running").GetBoolean());
        Assert.True(State(start, "after").GetProperty("running").GetBoolean());
        Assert.True((await fixture.ReadServiceAsync(Host, "TSM-SSH")).Running);
        Assert.Equal("SSH", start.GetProperty("label").GetString());
        Assert.Equal("start", start.GetProperty("action").GetString());

        var restart = await Call("restart_service");
        Assert.True(State(restart, "before").GetProperty("running").GetBoolean());
        Assert.True(State(restart, "after").GetProperty("running").GetBoolean());

        var stopAgain = await Call("stop_service");
        Assert.True(State(stopAgain, "before").GetProperty("running").GetBoolean());
        Assert.False((await fixture.ReadServiceAsync(Host, "TSM-SSH")).Running);

        async Task<JsonElement> Call(string tool) => await fixture.Client.CallJsonAsync(tool, new { service_key = "TSM-SSH", host_name = Host });
    }

    [Fact]
    public async Task Set_service_policy_changes_the_policy_and_not_the_running_state()
    {
        var running = (await fixture.ReadServiceAsync(Host, "lwsmd")).Running;

        var automatic = await fixture.Client.CallJsonAsync("set_service_policy", new { service_key = "lwsmd", policy = "Automatic", host_name = Host });
        Assert.Equal("automatic", State(automatic, "after").GetProperty("policy").GetString());
        var readBack = await fixture.ReadServiceAsync(Host, "lwsmd");
        Assert.Equal(McVSphere.VSphere.Vim.HostServicePolicy.Automatic, readBack.Policy);
        Assert.Equal(running, readBack.Running);

        var off = await fixture.Client.CallJsonAsync("set_service_policy", new { service_key = "lwsmd", policy = "off", host_name = Host });
        Assert.Equal("automatic", State(off, "before").GetProperty("policy").GetString());
        Assert.Equal(McVSphere.VSphere.Vim.HostServicePolicy.Off, (await fixture.ReadServiceAsync(Host, "lwsmd")).Policy);
    }

    [Theory]
    [InlineData("get_service_status")]
    [InlineData("start_service")]
    [InlineData("stop_service")]
    [InlineData("restart_service")]
    public async Task An_unknown_service_key_is_answered_with_the_valid_keys(string tool)
    {
        var error = await fixture.Client.CallErrorAsync(tool, new { service_key = "sshd", host_name = Host });

        Assert.Contains("'sshd'", error);
        Assert.Contains("TSM-SSH", error);
        Assert.Contains("ntpd", error);
    }

    [Fact]
    public async Task An_unknown_policy_is_answered_with_the_valid_policies()
    {
        var error = await fixture.Client.CallErrorAsync("set_service_policy", new { service_key = "TSM-SSH", policy = "sometimes", host_name = Host });

        Assert.Contains("'sometimes'", error);
        Assert.Contains("on, off, automatic", error);
    }

    [Fact]
    public async Task The_policy_of_a_required_service_cannot_change()
    {
        var error = await fixture.Client.CallErrorAsync("set_service_policy", new { service_key = "vmsyslogd", policy = "off", host_name = Host });

        Assert.Contains("requires", error);
        Assert.Equal(McVSphere.VSphere.Vim.HostServicePolicy.On, (await fixture.ReadServiceAsync(Host, "vmsyslogd")).Policy);
    }

    private static JsonElement State(JsonElement change, string which) => change.GetProperty(which);
}
