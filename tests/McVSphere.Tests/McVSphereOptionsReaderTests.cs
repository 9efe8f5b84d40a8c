using McVSphere.Host.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace McVSphere.Tests;

public class McVSphereOptionsReaderTests
{
    private static McVSphereOptions Read(Dictionary<string, string?> settings, bool simulator = false, bool requireVCenter = true) =>
        new McVSphereOptionsReader(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).Read(simulator, requireVCenter);

    private static readonly Dictionary<string, string?> VCenter = new()
    {
        ["VCENTER_HOST"] = "vc.example.com",
        ["VCENTER_USER"] = "svc@vsphere.local",
        ["VCENTER_PASSWORD"] = "s3cret-value",
    };

    [Fact]
    public void Defaults_are_stdio_on_loopback_with_every_plugin()
    {
        var options = Read(VCenter);

        Assert.Equal(McpTransportKind.Stdio, options.Transport);
        Assert.Equal("127.0.0.1", options.HttpHost);
        Assert.Equal(8080, options.HttpPort);
        Assert.Equal(LogLevel.Information, options.LogLevel);
        Assert.Null(options.EnabledPlugins);
        Assert.Equal("vc.example.com", options.VCenter!.Server);
        Assert.False(options.VCenter.Insecure);
    }

    [Fact]
    public void The_page_size_defaults_to_1000_and_takes_a_number_of_objects()
    {
        Assert.Equal(1000, Read(VCenter).PageSize);
        Assert.Equal(250, Read(new(VCenter) { ["MCVSPHERE_PAGE_SIZE"] = "250" }).PageSize);

        foreach (var bad in new[] { "0", "-5", "10001", "many" })
        {
            var ex = Assert.Throws<HostConfigurationException>(() => Read(new(VCenter) { ["MCVSPHERE_PAGE_SIZE"] = bad }));
            var problem = Assert.Single(ex.Problems);
            Assert.StartsWith("MCVSPHERE_PAGE_SIZE:", problem);
            Assert.Contains($"'{bad}'", problem);
            Assert.Contains("1 to 10000", problem);
        }
    }

    [Fact]
    public void The_request_state_secret_needs_32_characters_and_is_never_repeated_in_the_error()
    {
        Assert.Null(Read(VCenter).RequestStateSecret);
        var secret = new string('k', 32);
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(secret), Read(new(VCenter) { ["MCVSPHERE_REQUEST_STATE_SECRET"] = secret }).RequestStateSecret);

        var ex = Assert.Throws<HostConfigurationException>(() => Read(new(VCenter) { ["MCVSPHERE_REQUEST_STATE_SECRET"] = "short-Secret-9" }));

        var problem = Assert.Single(ex.Problems);
        Assert.StartsWith("MCVSPHERE_REQUEST_STATE_SECRET:", problem);
        Assert.Contains("at least 32", problem);
        Assert.DoesNotContain("short-Secret-9", problem);
    }

    [Fact]
    public void Without_vcenter_or_simulator_the_error_names_both_ways()
    {
        var ex = Assert.Throws<HostConfigurationException>(() => Read([]));

        var problem = Assert.Single(ex.Problems);
        Assert.StartsWith("VCENTER_HOST:", problem);
        Assert.Contains("--simulator", problem);
        Assert.Contains("MCVSPHERE_SIMULATOR", problem);
    }

    [Theory]
    [InlineData("ftp://vc.example.com", "ftp://")]
    [InlineData("https://admin:Hunter2@vc.example.com/sdk", "credentials")]
    [InlineData("vc.example.com/ui/app", "/sdk")]
    [InlineData("vc example.com", "spaces")]
    [InlineData("https://vc.example.com/sdk?x=1", "query")]
    [InlineData("https://:443", "host name")]
    public void A_vcenter_host_that_is_no_server_address_is_refused_at_start_naming_the_setting(string server, string reason)
    {
        var ex = Assert.Throws<HostConfigurationException>(() => Read(new(VCenter) { ["VCENTER_HOST"] = server }));

        var problem = Assert.Single(ex.Problems);
        Assert.StartsWith("VCENTER_HOST:", problem);
        Assert.Contains(reason, problem);
        Assert.Contains("https://vcenter.example.com/sdk", problem);
        Assert.DoesNotContain("Hunter2", problem);
        Assert.DoesNotContain("Parameter", problem);
    }

    [Theory]
    [InlineData("vc.example.com")]
    [InlineData("vc.example.com:8443")]
    [InlineData("https://vc.example.com")]
    [InlineData("http://127.0.0.1:8989/sdk")]
    [InlineData("https://proxy.example.com/vcenter/sdk/")]
    [InlineData("[fd00::1]:443")]
    public void Host_names_host_ports_and_sdk_urls_are_accepted(string server)
    {
        Assert.Equal(server, Read(new(VCenter) { ["VCENTER_HOST"] = server }).VCenter!.Server);
    }

    [Fact]
    public void Listing_commands_need_no_vcenter()
    {
        var options = Read([], requireVCenter: false);

        Assert.Null(options.VCenter);
    }

    [Fact]
    public void Simulator_and_vcenter_together_are_refused()
    {
        var ex = Assert.Throws<HostConfigurationException>(() => Read(VCenter, simulator: true));

        Assert.Contains(ex.Problems, p => p.StartsWith("VCENTER_HOST:") && p.Contains("simulator"));
    }

    [Fact]
    public void Every_problem_is_reported_at_once_and_names_its_setting()
    {
        var settings = new Dictionary<string, string?>(VCenter)
        {
            ["MCP_TRANSPORT"] = "carrier-pigeon",
            ["MCP_PORT"] = "99999",
            ["LOG_LEVEL"] = "LOUD",
            ["VCENTER_INSECURE"] = "maybe",
            ["VCENTER_THUMBPRINT"] = "AB:CD",
        };

        var ex = Assert.Throws<HostConfigurationException>(() => Read(settings));

        Assert.Equal(
            ["LOG_LEVEL", "MCP_PORT", "MCP_TRANSPORT", "VCENTER_INSECURE", "VCENTER_THUMBPRINT"],
            ex.Problems.Select(p => p[..p.IndexOf(':')]).Order());
        Assert.Contains(ex.Problems, p => p.Contains("stdio or streamable-http"));
    }

    [Fact]
    public void The_password_never_appears_in_errors_or_text()
    {
        var settings = new Dictionary<string, string?>(VCenter) { ["VCENTER_USER"] = null, ["MCP_PORT"] = "x" };

        var ex = Assert.Throws<HostConfigurationException>(() => Read(settings));

        Assert.DoesNotContain("s3cret-value", ex.Message);
        Assert.DoesNotContain("s3cret-value", Read(VCenter).VCenter!.ToString());
    }

    [Fact]
    public void Plugins_subset_and_transport_are_parsed()
    {
        var settings = new Dictionary<string, string?>(VCenter)
        {
            ["MCVSPHERE_PLUGINS"] = " Inventory , vmlifecycle ",
            ["MCP_TRANSPORT"] = "streamable-http",
            ["MCP_PORT"] = "9000",
            ["LOG_LEVEL"] = "debug",
            ["VCENTER_THUMBPRINT"] = string.Join(":", Enumerable.Repeat("ab", 32)),
        };

        var options = Read(settings);

        Assert.True(options.EnabledPlugins!.SetEquals(["Inventory", "VmLifecycle"]));
        Assert.Equal(McpTransportKind.StreamableHttp, options.Transport);
        Assert.Equal(9000, options.HttpPort);
        Assert.Equal(LogLevel.Debug, options.LogLevel);
        Assert.Equal(string.Concat(Enumerable.Repeat("AB", 32)), options.VCenter!.Thumbprint);
    }
}
