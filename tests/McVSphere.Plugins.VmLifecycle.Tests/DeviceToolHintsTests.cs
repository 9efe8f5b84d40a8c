namespace McVSphere.Plugins.VmLifecycle.Tests;

/// <summary>The device and tag tools tell clients which of them only read and which destroy.</summary>
public sealed class DeviceToolHintsTests(VmLifecycleFixture fixture) : IClassFixture<VmLifecycleFixture>
{
    [Theory]
    [InlineData("remove_disk")]
    [InlineData("remove_nic")]
    [InlineData("remove_serial_port")]
    [InlineData("detach_iso")]
    [InlineData("remove_tag_from_vm")]
    public async Task Destructive_tools_say_so(string name)
    {
        var annotations = (await ToolAsync(name)).ProtocolTool.Annotations!;
        Assert.True(annotations.DestructiveHint);
        Assert.False(annotations.ReadOnlyHint);
    }

    [Theory]
    [InlineData("list_disks")]
    [InlineData("get_disk_info")]
    [InlineData("list_nics")]
    [InlineData("get_nic_info")]
    [InlineData("get_serial_port")]
    public async Task Reading_tools_say_they_only_read(string name)
    {
        var annotations = (await ToolAsync(name)).ProtocolTool.Annotations!;
        Assert.True(annotations.ReadOnlyHint);
        Assert.False(annotations.DestructiveHint);
    }

    [Theory]
    [InlineData("add_disk", "vm_name,size_gb,thin_provisioned,datastore")]
    [InlineData("extend_disk", "vm_name,disk_label,new_size_gb")]
    [InlineData("attach_iso", "vm_name,iso_path,datastore")]
    [InlineData("add_nic", "vm_name,network,nic_type,start_connected")]
    [InlineData("set_nic_mac", "vm_name,nic_label,mac_address")]
    [InlineData("setup_serial_port", "name,protocol,port,direction,yield_on_poll")]
    [InlineData("apply_tag_to_vm", "vm_name,tag_name,category_name")]
    public async Task Parameters_are_the_catalogs(string name, string parameters)
    {
        // dry_run and confirm are added by the host to every tool that declares a change.
        var properties = (await ToolAsync(name)).JsonSchema.GetProperty("properties").EnumerateObject().Select(property => property.Name)
            .Where(property => property is not ("dry_run" or "confirm"));
        Assert.Equal(parameters.Split(','), properties);
    }

    private async Task<ModelContextProtocol.Client.McpClientTool> ToolAsync(string name) =>
        Assert.Single(await fixture.Client.ListToolsAsync(), tool => tool.Name == name);
}
