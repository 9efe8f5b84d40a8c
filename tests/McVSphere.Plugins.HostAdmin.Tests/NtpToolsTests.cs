using System.Text.Json;
using McVSphere.Testing;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.HostAdmin.Tests;

/// <summary>get_ntp_config and configure_ntp against the host's HostDateTimeSystem. They work on DC0_C0_H1.</summary>
[Collection(MultiHostCollection.Name)]
public sealed class NtpToolsTests(MultiHostFixture fixture)
{
    private const string Host = "DC0_C0_H1";

    [Fact]
    public async Task Configure_ntp_with_a_list_sets_the_servers_and_starts_ntpd_with_the_host()
    {
        var change = await fixture.Client.CallJsonAsync("configure_ntp", new { ntp_servers = new[] { "0.pool.ntp.org", "1.pool.ntp.org" }, host_name = Host });

        Assert.Equal(["0.pool.ntp.org", "1.pool.ntp.org"], Servers(change.GetProperty("after")));
        Assert.Equal(["0.pool.ntp.org", "1.pool.ntp.org"], (await fixture.ReadDateTimeAsync(Host)).NtpServers);
        var ntpd = await fixture.ReadServiceAsync(Host, "ntpd");
        Assert.True(ntpd.Running);
        Assert.Equal(HostServicePolicy.On, ntpd.Policy);
        Assert.True(change.GetProperty("after").GetProperty("ntpd").GetProperty("running").GetBoolean());
        Assert.Equal("on", change.GetProperty("after").GetProperty("ntpd").GetProperty("policy").GetString());

        var config = await fixture.Client.CallJsonAsync("get_ntp_config", new { host_name = Host });
        Assert.Equal(["0.pool.ntp.org", "1.pool.ntp.org"], Servers(config));
        Assert.Equal("UTC", config.GetProperty("time_zone").GetString());
        Assert.True(config.GetProperty("ntpd").GetProperty("running").GetBoolean());
    }

    [Fact]
    public async Task Configure_ntp_accepts_a_comma_separated_string_and_reports_the_servers_before()
    {
        await fixture.Client.CallJsonAsync("configure_ntp", new { ntp_servers = "a.example.org", host_name = Host });

        var change = await fixture.Client.CallJsonAsync("configure_ntp", new { ntp_servers = "ntp1.example.org, 192.0.2.10,ntp1.example.org", host_name = Host });

        Assert.Equal(["a.example.org"], Servers(change.GetProperty("before")));
        Assert.Equal(["ntp1.example.org", "192.0.2.10"], Servers(change.GetProperty("after")));
        Assert.Equal(["ntp1.example.org", "192.0.2.10"], (await fixture.ReadDateTimeAsync(Host)).NtpServers);
    }

    [Fact]
    public async Task Configure_ntp_without_start_service_leaves_ntpd_as_it_is()
    {
        await fixture.Client.CallJsonAsync("stop_service", new { service_key = "ntpd", host_name = Host });
        var before = await fixture.ReadServiceAsync(Host, "ntpd");

        var change = await fixture.Client.CallJsonAsync("configure_ntp", new { ntp_servers = new[] { "time.example.org" }, start_service = false, host_name = Host });

        Assert.Equal(["time.example.org"], (await fixture.ReadDateTimeAsync(Host)).NtpServers);
        var after = await fixture.ReadServiceAsync(Host, "ntpd");
        Assert.False(after.Running);
        Assert.Equal(before.Policy, after.Policy);
        Assert.False(change.GetProperty("after").GetProperty("ntpd").GetProperty("running").GetBoolean());
    }

    [Theory]
    [InlineData("not a host!")]
    [InlineData("ntp_.example.org")]
    public async Task Invalid_servers_are_refused_before_anything_changes(string servers)
    {
        var before = await fixture.ReadDateTimeAsync(Host);

        var error = await fixture.Client.CallErrorAsync("configure_ntp", new { ntp_servers = new[] { "good.example.org", servers }, host_name = Host });

        Assert.Contains("ntp_servers", error);
        Assert.Equal(before.NtpServers, (await fixture.ReadDateTimeAsync(Host)).NtpServers);
    }

    [Fact]
    public async Task A_dry_run_describes_the_change_and_changes_nothing()
    {
        var before = await fixture.ReadDateTimeAsync(Host);

        var dryRun = await fixture.Client.CallJsonAsync("configure_ntp", new { ntp_servers = "dry.example.org", host_name = Host, dry_run = true });

        Assert.Contains("dry.example.org", dryRun.GetRawText());
        Assert.Contains(Host, dryRun.GetRawText());
        Assert.Equal(before.NtpServers, (await fixture.ReadDateTimeAsync(Host)).NtpServers);
    }

    [Fact]
    public async Task An_empty_server_list_is_refused()
    {
        var error = await fixture.Client.CallErrorAsync("configure_ntp", new { ntp_servers = " , ", host_name = Host });

        Assert.Contains("ntp_servers is empty", error);
    }

    private static string[] Servers(JsonElement state) => state.GetProperty("ntp_servers").EnumerateArray().Select(server => server.GetString()!).ToArray();
}
