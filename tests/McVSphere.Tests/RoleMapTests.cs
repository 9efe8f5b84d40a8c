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
