using McVSphere.Testing;

namespace McVSphere.Plugins.Inventory.Tests;

/// <summary>A simulator that ends sessions idle for 2 s: the SOAP and the vAPI REST sessions must both come back.</summary>
public sealed class ExpiringSessionFixture : SimulatorHostFixture
{
    protected override string[] SimulatorFlags => ["-session-idle", "2s"];

    protected override string? Plugins => "Inventory";
}

public class SessionExpiryTests(ExpiringSessionFixture fixture) : IClassFixture<ExpiringSessionFixture>
{
    [Fact]
    public async Task Tag_tools_log_in_to_the_tagging_service_again_after_the_session_expired()
    {
        var before = await fixture.Client.CallJsonAsync("get_vm_tags", new { vm_name = "DC0_H0_VM0" });
        await Task.Delay(TimeSpan.FromSeconds(5));
        var after = await fixture.Client.CallJsonAsync("get_vm_tags", new { vm_name = "DC0_H0_VM0" });
        var tags = await fixture.Client.CallJsonAsync("list_tags");

        Assert.Equal("DC0_H0_VM0", before.String("vm"));
        Assert.Equal("DC0_H0_VM0", after.String("vm"));
        Assert.Equal(0, after.Int("count"));
        Assert.Equal(0, tags.Int("count"));
    }
}
