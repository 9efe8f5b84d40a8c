using McVSphere.Host.Configuration;
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
