using McVSphere.Host.Security;
using McVSphere.Sdk.Security;

namespace McVSphere.Tests;

public class RoleMapTests
{
    [Theory]
    [InlineData("vsphere-readers", PermissionLevel.ReadOnly)]
    [InlineData("vsphere-operators", PermissionLevel.PowerOps)]
    [InlineData("vsphere-admins", PermissionLevel.VmLifecycle)]
    [InlineData("vsphere-host-admins", PermissionLevel.HostAdmin)]
    [InlineData("vsphere-super-admins", PermissionLevel.FullAdmin)]
    public void The_default_map_grants_each_original_group_its_level(string group, PermissionLevel level)
    {
        Assert.Equal(level, RoleMap.Default.LevelOf([group]));
    }

    [Fact]
    public void Several_groups_grant_the_highest_of_their_levels()
    {
        Assert.Equal(PermissionLevel.HostAdmin, RoleMap.Default.LevelOf(["staff", "vsphere-host-admins", "vsphere-readers"]));
    }

    [Theory]
    [InlineData]
    [InlineData("staff")]
    [InlineData("vsphere_admins")] // names match exactly
    [InlineData("VSPHERE-ADMINS")]
    public void No_mapped_group_means_no_level(params string[] groups)
    {
        Assert.Null(RoleMap.Default.LevelOf(groups));
    }

    [Fact]
    public void A_configured_map_replaces_the_default_and_reads_levels_in_any_case()
    {
        Assert.True(RoleMap.TryParse("ops = power-ops; /Org/Admins=full_admin", out var map, out _));

        Assert.Equal(PermissionLevel.PowerOps, map.LevelOf(["ops"]));
        Assert.Equal(PermissionLevel.FullAdmin, map.LevelOf(["/Org/Admins"]));
        Assert.Null(map.LevelOf(["vsphere-super-admins"]));
    }

    [Fact]
    public void A_group_name_may_contain_an_equals_sign()
    {
        Assert.True(RoleMap.TryParse("role=ops=POWER_OPS", out var map, out _));

        Assert.Equal(PermissionLevel.PowerOps, map.LevelOf(["role=ops"]));
    }

    [Theory]
    [InlineData("ops=ROOT", "'ROOT' (for group 'ops') is not a level; use one of READ_ONLY, POWER_OPS, VM_LIFECYCLE, HOST_ADMIN, FULL_ADMIN.")]
    [InlineData("ops", "'ops' is not group=LEVEL.")]
    [InlineData("=READ_ONLY", "'=READ_ONLY' is not group=LEVEL.")]
    [InlineData("ops=READ_ONLY,ops=FULL_ADMIN", "group 'ops' is mapped twice.")]
    [InlineData(" , ", "maps no group; leave it unset for the default mapping.")]
    public void A_malformed_map_is_refused_with_the_reason(string text, string error)
    {
        Assert.False(RoleMap.TryParse(text, out _, out var message));
        Assert.Equal(error, message);
    }

    [Fact]
    public void The_default_map_prints_in_the_form_it_is_configured_in()
    {
        Assert.True(RoleMap.TryParse(RoleMap.Default.ToString(), out var map, out _));

        Assert.Equal(RoleMap.Default.Levels, map.Levels);
    }
}

/// <summary>The JSON form of the role map, with grants scoped to targets.</summary>
public class TargetRoleMapTests
{
    [Fact]
    public void A_group_can_hold_a_level_on_some_targets_and_another_elsewhere()
    {
        Assert.True(RoleMap.TryParse("""
            {"vsphere-readers": "READ_ONLY",
             "lab-admins": {"level": "VM_LIFECYCLE", "targets": ["lab-*"]},
             "ops": [{"level": "POWER_OPS", "targets": ["prod"]}, {"level": "FULL_ADMIN", "targets": ["lab-1", "esx?"]}]}
            """, out var map, out var error), error);

        var admin = new Caller("ann", ["lab-admins", "vsphere-readers"], map.LevelOf(["lab-admins", "vsphere-readers"]), Grants: map.GrantsOf(["lab-admins", "vsphere-readers"]));
        var ops = new Caller("otto", ["ops"], map.LevelOf(["ops"]), Grants: map.GrantsOf(["ops"]));

        Assert.Equal(PermissionLevel.VmLifecycle, admin.Level);
        Assert.Equal(PermissionLevel.VmLifecycle, admin.LevelOn("LAB-2"));
        Assert.Equal(PermissionLevel.ReadOnly, admin.LevelOn("prod"));
        Assert.Equal(PermissionLevel.PowerOps, ops.LevelOn("prod"));
        Assert.Equal(PermissionLevel.FullAdmin, ops.LevelOn("esx1"));
        Assert.Null(ops.LevelOn("lab-2"));
        Assert.True(RoleMap.TryParse(map.ToString(), out var again, out _));
        Assert.Equal(map.Levels, again.Levels);
    }

    [Theory]
    [InlineData("""{"ops": "ROOT"}""", "'ROOT' (for group 'ops') is not a level")]
    [InlineData("""{"ops": {"level": "READ_ONLY", "targets": []}}""", "group 'ops': targets must be a non-empty array")]
    [InlineData("""{"ops": {"level": "READ_ONLY", "target": ["x"]}}""", "group 'ops': 'target' is not a grant field")]
    [InlineData("""{"ops": 3}""", "group 'ops': give a level")]
    [InlineData("""{"ops": []}""", "group 'ops' has an empty list of grants.")]
    [InlineData("""{"ops": "READ_ONLY" """, "is not valid JSON")]
    [InlineData("{}", "maps no group")]
    public void A_malformed_JSON_map_is_refused_with_the_reason(string text, string error)
    {
        Assert.False(RoleMap.TryParse(text, out _, out var message));
        Assert.Contains(error, message);
    }
}
