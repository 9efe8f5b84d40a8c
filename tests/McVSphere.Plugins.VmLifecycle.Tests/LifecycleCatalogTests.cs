namespace McVSphere.Plugins.VmLifecycle.Tests;

/// <summary>Parity with the tool catalog for the lifecycle tools (the device and tag tools have their own checks).</summary>
public sealed class LifecycleCatalogTests(VmLifecycleFixture fixture) : IClassFixture<VmLifecycleFixture>
{
    /// <summary>Each tool, its permission level and the catalog's parameters (optional ones marked '?'); tools may take more optional ones.</summary>
    public static TheoryData<string, string, string> Catalog => new()
    {
        { "create_vm", "VM_LIFECYCLE", "name,cpu?,memory_mb?,disk_gb?,datastore?,network?,guest_id?" },
        { "clone_vm", "VM_LIFECYCLE", "template_name,new_name,power_on?,datastore?" },
        { "delete_vm", "VM_LIFECYCLE", "name,force?" },
        { "reconfigure_vm", "VM_LIFECYCLE", "name,cpu?,memory_mb?,annotation?" },
        { "rename_vm", "VM_LIFECYCLE", "name,new_name" },
        { "power_on", "POWER_OPS", "name" },
        { "power_off", "POWER_OPS", "name" },
        { "shutdown_guest", "POWER_OPS", "name" },
        { "reboot_guest", "POWER_OPS", "name" },
        { "reset_vm", "POWER_OPS", "name" },
        { "suspend_vm", "POWER_OPS", "name" },
        { "standby_guest", "POWER_OPS", "name" },
        { "list_snapshots", "READ_ONLY", "name" },
        { "create_snapshot", "POWER_OPS", "name,snapshot_name,description?,memory?,quiesce?" },
        { "revert_to_snapshot", "POWER_OPS", "name,snapshot_name" },
        { "revert_to_current_snapshot", "POWER_OPS", "name" },
        { "delete_snapshot", "POWER_OPS", "name,snapshot_name,remove_children?" },
        { "delete_all_snapshots", "POWER_OPS", "name" },
        { "rename_snapshot", "POWER_OPS", "name,snapshot_name,new_name?,new_description?" },
        { "convert_to_template", "VM_LIFECYCLE", "vm_name" },
        { "convert_to_vm", "VM_LIFECYCLE", "template_name,resource_pool?" },
        { "deploy_from_template", "VM_LIFECYCLE", "template_name,new_vm_name,datastore?,power_on?" },
        { "storage_vmotion", "VM_LIFECYCLE", "vm_name,target_datastore,thin_provision?" },
        { "move_vm_disk", "VM_LIFECYCLE", "vm_name,disk_label,target_datastore" },
        { "migrate_vm", "VM_LIFECYCLE", "vm_name,target_host?,target_pool?,target_datastore?,priority?" },
        { "move_vm_to_folder", "VM_LIFECYCLE", "vm_name,folder_path" },
        { "move_vm_to_resource_pool", "VM_LIFECYCLE", "vm_name,pool_name" },
        { "create_folder", "VM_LIFECYCLE", "folder_name,parent_path?" },
        { "delete_folder", "VM_LIFECYCLE", "folder_path,force?" },
        { "create_resource_pool", "VM_LIFECYCLE",
            "name,parent?,cpu_reservation_mhz?,cpu_limit_mhz?,memory_reservation_mb?,memory_limit_mb?,cpu_shares?,memory_shares?" },
        { "delete_resource_pool", "VM_LIFECYCLE", "name" },
        { "cancel_task", "VM_LIFECYCLE", "task_id" },
    };

    [Theory]
    [MemberData(nameof(Catalog))]
    public async Task Tool_has_the_catalogs_level_and_parameters(string name, string level, string parameters)
    {
        var tool = Assert.Single(await fixture.Client.ListToolsAsync(), candidate => candidate.Name == name).ProtocolTool;

        Assert.Equal(level, tool.Meta!["io.mcvsphere/permission"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(tool.Description));
        var properties = tool.InputSchema.GetProperty("properties").EnumerateObject().Select(property => property.Name).ToHashSet();
        var required = tool.InputSchema.TryGetProperty("required", out var list)
            ? list.EnumerateArray().Select(item => item.GetString()!).ToHashSet()
            : [];
        var expected = parameters.Split(',');
        Assert.Subset(properties, expected.Select(parameter => parameter.TrimEnd('?')).ToHashSet());
        Assert.Equal(expected.Where(parameter => !parameter.EndsWith('?')).ToHashSet(), required);
    }
}
