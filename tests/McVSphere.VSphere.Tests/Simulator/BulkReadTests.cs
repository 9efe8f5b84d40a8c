using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Tests.Simulator;

public sealed class BulkReadTests(LargeInventorySimulator fixture) : IClassFixture<LargeInventorySimulator>
{
    private const int VmCount = LargeInventorySimulator.VmCount;

    [Fact]
    public async Task All_VMs_are_read_in_bulk_with_the_simulator_s_values()
    {
        await using var client = TestClients.Create(fixture.Simulator);

        var rows = await client.Properties.RetrieveAsync<VirtualMachineSummaryRow>();

        Assert.Equal(VmCount, rows.Count);
        var expected = Enumerable.Range(0, VmCount).Select(i => $"DC0_C0_RP0_VM{i}").ToHashSet();
        Assert.True(expected.SetEquals(rows.Select(row => row.Name)));
        Assert.All(rows, row =>
        {
            Assert.Equal(VirtualMachinePowerState.PoweredOn, row.PowerState);
            Assert.Equal(1, row.NumCpu);
            Assert.Equal(32, row.MemoryMB);
            Assert.Equal("HostSystem", row.Host?.Type);
            Assert.False(row.IsTemplate);
        });
    }

    [Fact]
    public async Task Known_objects_are_read_in_one_call()
    {
        await using var client = TestClients.Create(fixture.Simulator);
        var all = await client.Properties.RetrieveAsync("VirtualMachine", []);

        var contents = await client.Properties.RetrieveAsync(all.Select(vm => vm.Ref), ["name", "config.hardware.device"]);

        Assert.Equal(VmCount, contents.Count);
        Assert.All(contents, content => Assert.Single(VirtualDevice.ListFrom(content["config.hardware.device"]).OfType<VirtualDisk>()));
    }
}
