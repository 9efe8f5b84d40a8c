using McVSphere.Testing;

namespace McVSphere.Plugins.Inventory.Tests;

[Collection(InventoryCollection.Name)]
public class StorageAndNetworkTests(InventoryFixture fixture)
{
    [Fact]
    public async Task Get_datastore_info_reports_capacity_and_the_vms_on_it()
    {
        var datastore = await fixture.Client.CallJsonAsync("get_datastore_info", new { name = "LocalDS_0" });

        Assert.Equal("LocalDS_0", datastore.String("name"));
        Assert.Equal("OTHER", datastore.String("type"));
        Assert.True(datastore.Bool("accessible"));
        Assert.Equal("normal", datastore.String("maintenance_mode"));
        var capacity = datastore.Double("capacity_gb");
        Assert.True(capacity > 0);
        Assert.InRange(datastore.Double("free_gb"), 0, capacity);
        Assert.Equal(Math.Round(capacity - datastore.Double("free_gb"), 2), datastore.Double("used_gb"), 0.011);
        Assert.InRange(datastore.Double("used_percent"), 0, 100);
        Assert.Equal(4, datastore.Int("vm_count"));
        Assert.Equal(["DC0_C0_RP0_VM0", "DC0_C0_RP0_VM1", "DC0_H0_VM0", "DC0_H0_VM1"], datastore.Strings("vms"));
        Assert.NotEmpty(datastore.Strings("hosts"));
    }

    [Fact]
    public async Task Browse_datastore_lists_the_vm_folders_then_a_vms_files_by_type()
    {
        var root = await fixture.Client.CallJsonAsync("browse_datastore", new { datastore = "LocalDS_0" });
        var folder = await fixture.Client.CallJsonAsync("browse_datastore", new { datastore = "LocalDS_0", path = "DC0_H0_VM0/" });

        Assert.Equal("[LocalDS_0]", root.String("folder_path"));
        Assert.Equal(["DC0_C0_RP0_VM0", "DC0_C0_RP0_VM1", "DC0_H0_VM0", "DC0_H0_VM1"], root.Array("files").Strings());
        Assert.All(root.Array("files"), file => Assert.Equal("Folder", file.String("type")));

        Assert.Equal("[LocalDS_0] DC0_H0_VM0", folder.String("folder_path"));
        var types = folder.Array("files").ToDictionary(file => file.String("name")!, file => file.String("type"));
        Assert.Equal("VmConfig", types["DC0_H0_VM0.vmx"]);
        Assert.Equal("VmDisk", types["disk1.vmdk"]);
        Assert.Equal("VmLog", types["vmware.log"]);
        Assert.Equal("VmNvram", types["DC0_H0_VM0.nvram"]);
        Assert.Equal(folder.Array("files").Length, folder.Int("count"));
    }

    [Fact]
    public async Task Browse_datastore_reports_missing_folders_and_datastores()
    {
        var folder = await fixture.Client.CallErrorAsync("browse_datastore", new { datastore = "LocalDS_0", path = "no-such-folder" });
        var datastore = await fixture.Client.CallErrorAsync("browse_datastore", new { datastore = "LocalDS_9" });

        Assert.Contains("FileNotFound", folder);
        Assert.Contains("'LocalDS_0'", datastore);
    }

    [Theory]
    [InlineData("../../../../etc")]
    [InlineData("..")]
    [InlineData("a/../../x")]
    [InlineData("DC0_H0_VM0/../..")]
    [InlineData("/etc")]
    [InlineData("..\\..\\etc")]
    [InlineData("%2e%2e/%2e%2e/etc")]
    [InlineData("..%2Fetc")]
    [InlineData("./DC0_H0_VM0")]
    [InlineData("DC0_H0_VM0//x")]
    [InlineData("[LocalDS_0] ../../etc")]
    [InlineData("[LocalDS_0] /../etc")]
    public async Task Browse_datastore_refuses_a_path_that_leaves_or_hides_a_climb_out_of_the_datastore(string path)
    {
        var error = await fixture.Client.CallErrorAsync("browse_datastore", new { datastore = "LocalDS_0", path });

        Assert.Contains($"path '{path}'", error);
        Assert.Contains("inside the datastore", error);
        Assert.DoesNotContain("passwd", error);
    }

    [Fact]
    public async Task Browse_datastore_still_lists_a_sub_folder_given_plainly_or_with_its_datastore()
    {
        var plain = await fixture.Client.CallJsonAsync("browse_datastore", new { datastore = "LocalDS_0", path = "DC0_H0_VM0" });
        var bracketed = await fixture.Client.CallJsonAsync("browse_datastore", new { datastore = "LocalDS_0", path = "[LocalDS_0] DC0_H0_VM0" });

        Assert.Equal("[LocalDS_0] DC0_H0_VM0", plain.String("folder_path"));
        Assert.Equal(plain.Array("files").Length, bracketed.Array("files").Length);
        Assert.Contains("DC0_H0_VM0.vmx", plain.Array("files").Select(file => file.String("name")));
    }

    [Fact]
    public async Task Get_network_info_describes_a_distributed_port_group()
    {
        var portgroup = await fixture.Client.CallJsonAsync("get_network_info", new { name = "DC0_DVPG0" });

        Assert.Equal("DistributedVirtualPortgroup", portgroup.String("type"));
        Assert.Equal("DVS0", portgroup.String("switch"));
        Assert.Equal(0, portgroup.Int("vlan_id"));
        Assert.Equal(["DC0_C0_H0", "DC0_C0_H1", "DC0_C0_H2", "DC0_H0"], portgroup.Strings("hosts"));
        Assert.Equal(4, portgroup.Int("host_count"));
    }

    [Fact]
    public async Task Get_network_info_describes_a_standard_network_and_suggests_names()
    {
        var network = await fixture.Client.CallJsonAsync("get_network_info", new { name = "vm network" });
        var error = await fixture.Client.CallErrorAsync("get_network_info", new { name = "VM Netwrk" });

        Assert.Equal("VM Network", network.String("name"));
        Assert.Equal("Network", network.String("type"));
        Assert.False(network.Has("switch"));
        Assert.Contains("'VM Network'", error);
    }
}
