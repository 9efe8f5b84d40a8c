namespace McVSphere.Plugins.VmLifecycle.Tests;

/// <summary>The host configured with placement defaults (VCENTER_DATACENTER, VCENTER_CLUSTER, VCENTER_DATASTORE, VCENTER_NETWORK).</summary>
public sealed class ConfiguredPlacementFixture : VmLifecycleFixture
{
    protected override IReadOnlyDictionary<string, string?> HostSettings => new Dictionary<string, string?>
    {
        ["VCENTER_DATACENTER"] = "DC0",
        ["VCENTER_CLUSTER"] = "DC0_C0",
        ["VCENTER_DATASTORE"] = "LocalDS_1",
        ["VCENTER_NETWORK"] = "DC0_DVPG0",
    };
}

public sealed class ConfiguredPlacementTests(ConfiguredPlacementFixture fixture) : IClassFixture<ConfiguredPlacementFixture>
{
    [Fact]
    public async Task Create_vm_uses_the_configured_cluster_datastore_and_network()
    {
        var name = fixture.UniqueName("configured");

        var result = await fixture.Client.CallJsonAsync("create_vm", new { name, cpu = 1, memory_mb = 256, disk_gb = 1 });

        Assert.Equal("DC0_C0", result.GetProperty("compute_resource").GetString());
        var content = await fixture.ReadVmAsync(name, "config.files.vmPathName", "config.hardware.device");
        Assert.StartsWith("[LocalDS_1]", content.GetString("config.files.vmPathName"));
        var nic = Assert.Single(VirtualDevice.ListFrom(content["config.hardware.device"]).OfType<VirtualEthernetCard>());
        Assert.IsType<VirtualEthernetCardDistributedVirtualPortBackingInfo>(nic.Backing);

        // An argument wins over the configured default.
        var explicitName = fixture.UniqueName("explicit");
        await fixture.Client.CallJsonAsync("create_vm", new { name = explicitName, cpu = 1, memory_mb = 256, disk_gb = 1, datastore = "LocalDS_0" });
        Assert.StartsWith("[LocalDS_0]", (await fixture.ReadVmAsync(explicitName, "config.files.vmPathName")).GetString("config.files.vmPathName"));
    }
}
