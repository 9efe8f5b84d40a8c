using McVSphere.Host.Configuration;
using McVSphere.Host.Security;
using McVSphere.Sdk.Security;
using Microsoft.Extensions.Configuration;

namespace McVSphere.Tests;

public class SecurityOptionsReaderTests
{
    private static SecurityOptions Read(Dictionary<string, string?> settings) => new McVSphereOptionsReader(
        new ConfigurationBuilder().AddInMemoryCollection(Http.Concat(settings).GroupBy(p => p.Key).Select(g => g.Last())).Build()).Read(simulatorRequested: false).Security;

    private static HostConfigurationException Refused(Dictionary<string, string?> settings) =>
        Assert.Throws<HostConfigurationException>(() => Read(settings));

    private static readonly Dictionary<string, string?> Http = new()
    {
        ["VCENTER_HOST"] = "vc.example.com",
        ["VCENTER_USER"] = "svc@vsphere.local",
        ["VCENTER_PASSWORD"] = "s3cret-value",
        ["MCP_TRANSPORT"] = "streamable-http",
    };

    private static readonly Dictionary<string, string?> OAuth = new()
    {
        ["MCP_HOST"] = "0.0.0.0",
        ["OAUTH_ENABLED"] = "true",
        ["OAUTH_ISSUER_URL"] = "https://auth.example.com/realms/ops",
        ["OAUTH_BASE_URL"] = "https://mcp.example.com/",
    };

    [Fact]
    public void Defaults_trust_the_local_caller_and_audit_to_stderr_only()
    {
        var security = Read([]);

        Assert.Null(security.OAuth);
        Assert.Equal(PermissionLevel.FullAdmin, security.LocalLevel);
        Assert.False(security.ReadOnly);
        Assert.Equal(new AuditSettings(null, true), security.Audit);
        Assert.Equal(["localhost", "127.0.0.1", "[::1]"], security.DnsRebinding.AllowedHosts);
        Assert.Null(security.DnsRebinding.AllowedOrigins);
    }

    [Fact]
    public void OAuth_validates_tokens_for_the_resource_url_and_the_client_id()
    {
        var oauth = Read(new(OAuth) { ["OAUTH_CLIENT_ID"] = "mcvsphere" }).OAuth!;

        Assert.Equal("https://auth.example.com/realms/ops", oauth.Issuer);
        Assert.Equal(new Uri("https://mcp.example.com/mcp"), oauth.ResourceUrl);
        Assert.Equal(new Uri("https://mcp.example.com/.well-known/oauth-protected-resource/mcp"), oauth.ResourceMetadataUrl);
        Assert.Equal(["https://mcp.example.com/mcp", "mcvsphere"], oauth.Audiences);
        Assert.Equal("groups", oauth.GroupsClaim);
        Assert.Equal(["openid", "profile", "email", "groups"], oauth.Scopes);
    }

    [Fact]
    public void The_client_id_and_its_secret_turn_on_proxy_mode_and_the_secret_alone_is_refused()
    {
        var proxy = Read(new(OAuth) { ["OAUTH_CLIENT_ID"] = "mcvsphere", ["OAUTH_CLIENT_SECRET"] = "a-secret" }).OAuth!.Proxy!;
        var ex = Refused(new(OAuth) { ["OAUTH_CLIENT_SECRET"] = "a-secret" });

        Assert.Null(Read(new(OAuth) { ["OAUTH_CLIENT_ID"] = "mcvsphere" }).OAuth!.Proxy);
        Assert.Equal("https://mcp.example.com", proxy.Issuer);
        Assert.Equal(new Uri("https://mcp.example.com/auth/callback"), proxy.CallbackUrl);
        Assert.DoesNotContain("a-secret", proxy.ToString());
        Assert.StartsWith("OAUTH_CLIENT_SECRET: is set without OAUTH_CLIENT_ID", Assert.Single(ex.Problems));
    }

    [Fact]
    public void OAuth_settings_can_name_the_audiences_and_the_groups_claim()
    {
        var oauth = Read(new(OAuth) { ["OAUTH_AUDIENCE"] = "api://mcvsphere, other", ["OAUTH_GROUPS_CLAIM"] = "https://example.com/groups" }).OAuth!;

        Assert.Equal(["api://mcvsphere", "other"], oauth.Audiences);
        Assert.Equal("https://example.com/groups", oauth.GroupsClaim);
    }

    [Fact]
    public void The_public_host_of_OAuth_is_an_allowed_Host_header()
    {
        Assert.Equal(["localhost", "127.0.0.1", "[::1]", "mcp.example.com"], Read(OAuth).DnsRebinding.AllowedHosts);
    }

    [Fact]
    public void OAuth_needs_an_issuer_and_a_base_url_and_the_HTTP_transport()
    {
        var ex = Refused(new() { ["MCP_TRANSPORT"] = "stdio", ["OAUTH_ENABLED"] = "true" });

        Assert.Contains(ex.Problems, p => p.StartsWith("OAUTH_ENABLED: OAuth protects the HTTP endpoint only; set MCP_TRANSPORT=streamable-http.", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.StartsWith("OAUTH_ISSUER_URL: is required when OAUTH_ENABLED=true", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.StartsWith("OAUTH_BASE_URL: is required when OAUTH_ENABLED=true", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://auth.example.com", "OAUTH_ISSUER_URL: 'http://auth.example.com/' must use https; plain http is accepted on loopback only.")]
    [InlineData("auth.example.com", "OAUTH_ISSUER_URL: 'auth.example.com' is not an http(s) URL")]
    public void The_issuer_must_be_an_https_url(string issuer, string problem)
    {
        var ex = Refused(new(OAuth) { ["OAUTH_ISSUER_URL"] = issuer });

        Assert.StartsWith(problem, Assert.Single(ex.Problems));
    }

    [Fact]
    public void A_loopback_issuer_may_use_http()
    {
        Assert.Equal("http://127.0.0.1:9000", Read(new(OAuth) { ["OAUTH_ISSUER_URL"] = "http://127.0.0.1:9000" }).OAuth!.Issuer);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("10.1.2.3")]
    [InlineData("mcp.example.com")]
    public void Http_without_OAuth_off_loopback_is_refused_naming_the_three_settings(string host)
    {
        var problem = Assert.Single(Refused(new() { ["MCP_HOST"] = host }).Problems);

        Assert.StartsWith($"MCP_HOST: '{host}' is not a loopback address and OAUTH_ENABLED is not true", problem);
        Assert.Contains("MCP_ALLOW_UNAUTHENTICATED=true", problem);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    [InlineData("localhost")]
    [InlineData("::1")]
    [InlineData("[::1]")]
    public void Http_without_OAuth_is_fine_on_loopback(string host)
    {
        Assert.Null(Read(new() { ["MCP_HOST"] = host }).OAuth);
    }

    [Fact]
    public void Http_without_OAuth_off_loopback_starts_when_explicitly_allowed()
    {
        var security = Read(new() { ["MCP_HOST"] = "10.1.2.3", ["MCP_ALLOW_UNAUTHENTICATED"] = "true" });

        Assert.Contains("10.1.2.3", security.DnsRebinding.AllowedHosts);
    }

    [Fact]
    public void Stdio_never_listens_so_any_MCP_HOST_is_fine()
    {
        Assert.Null(Read(new() { ["MCP_TRANSPORT"] = "stdio", ["MCP_HOST"] = "0.0.0.0" }).OAuth);
    }

    [Fact]
    public void Access_control_settings_are_read_and_validated()
    {
        var security = Read(new()
        {
            ["MCVSPHERE_ROLE_MAP"] = "ops=POWER_OPS",
            ["MCVSPHERE_STDIO_ROLE"] = "read_only",
            ["MCVSPHERE_READ_ONLY"] = "true",
            ["MCVSPHERE_ALLOWED_HOSTS"] = "mcp.internal, *.example.com",
            ["MCVSPHERE_ALLOWED_ORIGINS"] = "https://app.example.com/, *",
            ["MCVSPHERE_AUDIT_STDERR"] = "false",
        });

        Assert.Equal(PermissionLevel.PowerOps, security.RoleMap.LevelOf(["ops"]));
        Assert.Equal(PermissionLevel.ReadOnly, security.LocalLevel);
        Assert.True(security.ReadOnly);
        Assert.Equal(["mcp.internal", "*.example.com"], security.DnsRebinding.AllowedHosts);
        Assert.Equal(["https://app.example.com", "*"], security.DnsRebinding.AllowedOrigins);
        Assert.False(security.Audit.ToStandardError);
    }

    [Fact]
    public void Every_bad_security_value_is_named()
    {
        var ex = Refused(new()
        {
            ["MCVSPHERE_ROLE_MAP"] = "ops",
            ["MCVSPHERE_STDIO_ROLE"] = "ROOT",
            ["MCVSPHERE_READ_ONLY"] = "maybe",
            ["MCVSPHERE_ALLOWED_ORIGINS"] = "https://app.example.com/path",
            ["MCVSPHERE_AUDIT_FILE"] = "/no/such/dir/audit.jsonl",
        });

        Assert.Equal(
            ["MCVSPHERE_ROLE_MAP", "MCVSPHERE_STDIO_ROLE", "MCVSPHERE_READ_ONLY", "MCVSPHERE_AUDIT_FILE", "MCVSPHERE_ALLOWED_ORIGINS"],
            ex.Problems.Select(p => p[..p.IndexOf(':')]));
    }
}
