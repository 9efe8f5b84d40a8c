namespace McVSphere.Plugins.VmLifecycle.Tests;

public sealed class PowerToolsTests(VmLifecycleFixture fixture) : IClassFixture<VmLifecycleFixture>
{
    [Fact]
    public async Task Power_on_then_off_changes_the_power_state_and_says_when_already_there()
    {
        var name = await fixture.CreateVmAsync("power");

        var on = await fixture.Client.CallJsonAsync("power_on", new { name });
        Assert.Equal("poweredOn", on.GetProperty("power_state").GetString());
        Assert.Equal("poweredOn", (await fixture.ReadVmAsync(name, "runtime.powerState")).GetString("runtime.powerState"));

        var again = await fixture.Client.CallJsonAsync("power_on", new { name });
        Assert.True(again.GetProperty("already_in_state").GetBoolean());

        var off = await fixture.Client.CallJsonAsync("power_off", new { name });
        Assert.Equal("poweredOff", off.GetProperty("power_state").GetString());
        Assert.Equal("poweredOff", (await fixture.ReadVmAsync(name, "runtime.powerState")).GetString("runtime.powerState"));
    }
}
