namespace McVSphere.Plugins.VmLifecycle.Tests;

public sealed class PowerToolsTests(VmLifecycleFixture fixture) : IClassFixture<VmLifecycleFixture>
{
    [Fact]
    public async Task Power_on_then_off_changes_the_power_state_and_says_when_already_there()
    {
        var name = await fixture.CreateVmAsync("power");

        var on = await fixture.Client.CallJsonAsync("power_on", new { name });
        Assert.Equal("poweredOn", on.GetProperty("power_state").GetString());
        Assert.Equal("poweredOn", await PowerStateAsync(name));

        var again = await fixture.Client.CallJsonAsync("power_on", new { name });
        Assert.True(again.GetProperty("already_in_state").GetBoolean());

        var off = await fixture.Client.CallJsonAsync("power_off", new { name });
        Assert.Equal("poweredOff", off.GetProperty("power_state").GetString());
        Assert.Equal("poweredOff", await PowerStateAsync(name));
        Assert.True((await fixture.Client.CallJsonAsync("power_off", new { name })).GetProperty("already_in_state").GetBoolean());
    }

    [Fact]
    public async Task Suspend_and_resume_and_reset_follow_the_power_state()
    {
        var name = await fixture.CreateVmAsync("suspend");
        Assert.Contains("only a running VM", await fixture.Client.CallErrorAsync("suspend_vm", new { name }));
        Assert.Contains("only a running VM", await fixture.Client.CallErrorAsync("reset_vm", new { name }));

        await fixture.Client.CallJsonAsync("power_on", new { name });
        await fixture.Client.CallJsonAsync("reset_vm", new { name });
        Assert.Equal("poweredOn", await PowerStateAsync(name));

        await fixture.Client.CallJsonAsync("suspend_vm", new { name });
        Assert.Equal("suspended", await PowerStateAsync(name));
        Assert.True((await fixture.Client.CallJsonAsync("suspend_vm", new { name })).GetProperty("already_in_state").GetBoolean());

        await fixture.Client.CallJsonAsync("power_on", new { name });
        Assert.Equal("poweredOn", await PowerStateAsync(name));
    }

    [Fact]
    public async Task Guest_operations_need_a_running_guest_with_vmware_tools()
    {
        var name = await fixture.CreateVmAsync("guest");
        Assert.Contains("only a running guest", await fixture.Client.CallErrorAsync("reboot_guest", new { name }));
        Assert.True((await fixture.Client.CallJsonAsync("shutdown_guest", new { name })).GetProperty("already_in_state").GetBoolean());

        await fixture.Client.CallJsonAsync("power_on", new { name });
        Assert.Contains("VMware Tools", await fixture.Client.CallErrorAsync("reboot_guest", new { name }));

        await fixture.SetToolsRunningAsync(name);
        var reboot = await fixture.Client.CallJsonAsync("reboot_guest", new { name });
        Assert.Equal("poweredOn", reboot.GetProperty("power_state").GetString());

        await fixture.Client.CallJsonAsync("standby_guest", new { name });
        Assert.Equal("suspended", await PowerStateAsync(name));
        Assert.True((await fixture.Client.CallJsonAsync("standby_guest", new { name })).GetProperty("already_in_state").GetBoolean());

        await fixture.Client.CallJsonAsync("power_on", new { name });
        await fixture.Client.CallJsonAsync("shutdown_guest", new { name });
        Assert.Equal("poweredOff", await PowerStateAsync(name));
    }

    [Fact]
    public async Task Destructive_tools_are_marked_so_and_unknown_vms_get_the_closest_names()
    {
        var tools = (await fixture.Client.ListToolsAsync()).ToDictionary(tool => tool.Name);
        foreach (var destructive in new[] { "delete_vm", "power_off", "reset_vm", "revert_to_snapshot", "revert_to_current_snapshot", "delete_snapshot",
                     "delete_all_snapshots", "delete_folder", "delete_resource_pool" })
        {
            Assert.True(tools[destructive].ProtocolTool.Annotations?.DestructiveHint, destructive);
        }
        Assert.False(tools["power_on"].ProtocolTool.Annotations?.DestructiveHint);

        var error = await fixture.Client.CallErrorAsync("power_on", new { name = "DC0_C0_RP0_VMX" });
        Assert.Contains("DC0_C0_RP0_VM0", error);
    }

    private async Task<string?> PowerStateAsync(string name) =>
        (await fixture.ReadVmAsync(name, "runtime.powerState")).GetString("runtime.powerState");
}
