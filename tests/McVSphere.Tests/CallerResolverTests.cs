using System.Security.Claims;
using McVSphere.Host.Configuration;
using McVSphere.Host.Security;
using McVSphere.Sdk.Security;

namespace McVSphere.Tests;

public class CallerResolverTests
{
    private static readonly OAuthSettings OAuth = new(
        "https://auth.example.com", new Uri("https://mcp.example.com/mcp"), ["https://mcp.example.com/mcp"], "roles", ["openid"]);

    private static CallerResolver Resolver(OAuthSettings? oauth, McpTransportKind transport = McpTransportKind.StreamableHttp) => new(new McVSphereOptions
    {
        PluginDirectory = ".",
        Transport = transport,
        Security = new SecurityOptions { OAuth = oauth, LocalLevel = PermissionLevel.PowerOps },
    });

    private static ClaimsPrincipal Token(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), authenticationType: "Bearer"));

    [Fact]
    public void With_OAuth_the_groups_come_from_the_configured_claim_and_map_to_the_highest_level()
    {
        var caller = Resolver(OAuth).Resolve(Token(("sub", "u-1"), ("roles", "vsphere-readers"), ("roles", "vsphere-admins"), ("groups", "vsphere-super-admins")));

        Assert.Equal(["vsphere-readers", "vsphere-admins"], caller.Groups);
        Assert.Equal(PermissionLevel.VmLifecycle, caller.Level);
    }

    [Fact]
    public void The_user_is_the_most_readable_name_the_token_carries()
    {
        Assert.Equal("ann", Resolver(OAuth).Resolve(Token(("sub", "u-1"), ("email", "ann@example.com"), ("preferred_username", "ann"))).User);
        Assert.Equal("ann@example.com", Resolver(OAuth).Resolve(Token(("sub", "u-1"), ("email", "ann@example.com"))).User);
        Assert.Equal("svc-client", Resolver(OAuth).Resolve(Token(("client_id", "svc-client"))).User);
    }

    [Fact]
    public void With_OAuth_the_caller_carries_the_tokens_sub_and_iss_beside_its_display_name()
    {
        var caller = Resolver(OAuth).Resolve(Token(("sub", "u-1"), ("iss", "https://auth.example.com"), ("email", "ann@example.com")));

        Assert.Equal(("ann@example.com", "u-1", "https://auth.example.com"), (caller.User, caller.Subject, caller.Issuer));
    }

    [Fact]
    public void With_OAuth_an_unauthenticated_principal_gets_nothing()
    {
        var caller = Resolver(OAuth).Resolve(new ClaimsPrincipal(new ClaimsIdentity()));

        Assert.Null(caller.Level);
    }

    [Theory]
    [InlineData(McpTransportKind.Stdio, "local")]
    [InlineData(McpTransportKind.StreamableHttp, "anonymous")]
    public void Without_OAuth_every_caller_is_the_local_user_at_the_stdio_role(McpTransportKind transport, string user)
    {
        var caller = Resolver(oauth: null, transport).Resolve(Token(("sub", "ignored"), ("roles", "vsphere-super-admins")));

        Assert.Equal(user, caller.User);
        Assert.Empty(caller.Groups);
        Assert.Equal(PermissionLevel.PowerOps, caller.Level);
    }
}
