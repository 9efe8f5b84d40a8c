using McVSphere.Host.Configuration;
using McVSphere.Host.Hosting;
using McVSphere.Host.Security;
using McVSphere.Sdk.Security;

namespace McVSphere.Tests;

public class AccessPolicyTests
{
    private static AccessPolicy Policy(bool readOnly = false) =>
        new(new McVSphereOptions { PluginDirectory = ".", Security = new SecurityOptions { ReadOnly = readOnly } });

    private static readonly Caller Operator = new("ann", ["vsphere-operators"], PermissionLevel.PowerOps);

    [Fact]
    public void A_level_includes_every_level_below_it()
    {
        Assert.True(Policy().Allows(Operator, PermissionLevel.ReadOnly));
        Assert.True(Policy().Allows(Operator, PermissionLevel.PowerOps));
        Assert.False(Policy().Allows(Operator, PermissionLevel.VmLifecycle));
    }

    [Fact]
    public void A_caller_without_a_level_may_use_nothing()
    {
        var nobody = new Caller("bob", ["staff"], null);

        Assert.False(Policy().Allows(nobody, PermissionLevel.ReadOnly));
        Assert.Equal(
            "Permission denied: tool 'list_vms' needs READ_ONLY; user 'bob' has no permission: none of the groups [staff] is mapped to a level (MCVSPHERE_ROLE_MAP).",
            Policy().DenialMessage(nobody, "tool 'list_vms'", PermissionLevel.ReadOnly));
    }

    [Fact]
    public void Read_only_mode_caps_every_caller_at_READ_ONLY()
    {
        var root = new Caller("local", [], PermissionLevel.FullAdmin);

        Assert.True(Policy(readOnly: true).Allows(root, PermissionLevel.ReadOnly));
        Assert.False(Policy(readOnly: true).Allows(root, PermissionLevel.PowerOps));
        Assert.Contains("read-only mode (MCVSPHERE_READ_ONLY=true)", Policy(readOnly: true).DenialMessage(root, "tool 'power_on_vm'", PermissionLevel.PowerOps));
    }

    [Fact]
    public void A_denial_names_the_level_needed_and_the_level_held()
    {
        Assert.Equal(
            "Permission denied: tool 'delete_vm' needs VM_LIFECYCLE; user 'ann' has POWER_OPS.",
            Policy().DenialMessage(Operator, "tool 'delete_vm'", PermissionLevel.VmLifecycle));
    }
}

/// <summary>Levels and read-only mode per target (several vCenters).</summary>
public sealed class TargetAccessPolicyTests : IAsyncDisposable
{
    private readonly VCenterTargets _targets = new(
        new VCenterTargetList(
            [Target("prod"), Target("lab-1"), Target("archive") with { ReadOnly = true }], "prod", FromFile: true),
        target => new McVSphere.VSphere.VSphereClient(new McVSphere.VSphere.VSphereConnectionOptions { Server = target.Connection.Server, User = "u", Password = "p" },
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance),
        isSimulator: false);

    private static VCenterTarget Target(string name) =>
        new(name, new VCenterSettings($"{name}.example.com", "u", "p", false, null, null), new PlacementDefaults(null, null, null, null));

    public ValueTask DisposeAsync() => _targets.DisposeAsync();

    private AccessPolicy Policy() => new(new McVSphereOptions { PluginDirectory = "." }, _targets);

    [Fact]
    public void A_caller_holds_each_targets_level_and_sees_what_its_highest_allows()
    {
        var labAdmin = new Caller("ann", ["lab-admins", "readers"], PermissionLevel.VmLifecycle,
            Grants: [new RoleGrant(PermissionLevel.VmLifecycle, ["lab-*"]), new RoleGrant(PermissionLevel.ReadOnly)]);
        var prod = _targets.Require("prod");
        var lab = _targets.Require("LAB-1");

        Assert.True(Policy().Allows(labAdmin, PermissionLevel.VmLifecycle));
        Assert.True(Policy().Allows(labAdmin, PermissionLevel.VmLifecycle, lab));
        Assert.False(Policy().Allows(labAdmin, PermissionLevel.PowerOps, prod));
        Assert.True(Policy().Allows(labAdmin, PermissionLevel.ReadOnly, prod));
        Assert.Equal("Permission denied: tool 'power_off' needs POWER_OPS on vCenter 'prod'; user 'ann' has READ_ONLY on vCenter 'prod'.",
            Policy().DenialMessage(labAdmin, "tool 'power_off'", PermissionLevel.PowerOps, prod));
    }

    [Fact]
    public void A_read_only_target_serves_READ_ONLY_tools_only()
    {
        var root = new Caller("local", [], PermissionLevel.FullAdmin);
        var archive = _targets.Require("archive");

        Assert.True(Policy().Allows(root, PermissionLevel.ReadOnly, archive));
        Assert.False(Policy().Allows(root, PermissionLevel.PowerOps, archive));
        Assert.True(Policy().Allows(root, PermissionLevel.PowerOps, _targets.Require("prod")));
        Assert.Contains("vCenter 'archive' is read-only", Policy().DenialMessage(root, "tool 'power_off'", PermissionLevel.PowerOps, archive));
    }

    [Fact]
    public void An_unknown_target_is_refused_with_the_closest_names()
    {
        var error = Assert.Throws<McVSphere.Sdk.Errors.ToolException>(() => _targets.Require("lab1"));

        Assert.Equal("vcenter", error.Argument);
        Assert.Equal(["lab-1"], error.Suggestions);
        Assert.Contains("the targets are prod, lab-1, archive (default: prod)", error.Message);
    }
}
