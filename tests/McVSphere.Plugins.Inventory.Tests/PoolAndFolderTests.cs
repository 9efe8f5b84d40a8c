using McVSphere.Testing;

namespace McVSphere.Plugins.Inventory.Tests;

[Collection(InventoryCollection.Name)]
public class PoolAndFolderTests(InventoryFixture fixture)
{
    [Fact]
    public async Task List_resource_pools_returns_the_root_pools_by_path()
    {
        var all = await fixture.Client.CallJsonAsync("list_resource_pools");
        var clustered = await fixture.Client.CallJsonAsync("list_resource_pools", new { cluster_name = "DC0_C0" });

        Assert.Equal(["DC0/host/DC0_C0/Resources", "DC0/host/DC0_H0/Resources"], all.Items().Strings("path"));
        Assert.Equal(["DC0_C0", "DC0_H0"], all.Items().Strings("owner"));
        Assert.All(all.Items(), pool =>
        {
            Assert.Equal("Resources", pool.String("name"));
            Assert.False(pool.Has("parent"));
            Assert.Equal(2, pool.Int("vm_count"));
        });
        Assert.Equal(["DC0/host/DC0_C0/Resources"], clustered.Items().Strings("path"));
    }

    [Fact]
    public async Task Get_resource_pool_info_defaults_to_the_only_clusters_root_pool()
    {
        var pool = await fixture.Client.CallJsonAsync("get_resource_pool_info");

        Assert.Equal("DC0/host/DC0_C0/Resources", pool.String("path"));
        Assert.Equal("DC0_C0", pool.String("owner"));
        Assert.Equal(["DC0_C0_RP0_VM0", "DC0_C0_RP0_VM1"], pool.Strings("vms"));
        Assert.Empty(pool.Strings("child_pools"));
        Assert.True(pool.Has("cpu_reservation_mhz"));
        Assert.True(pool.Has("memory_limit_mb"));
    }

    [Fact]
    public async Task Get_resource_pool_info_needs_a_path_where_pool_names_repeat()
    {
        var ambiguous = await fixture.Client.CallErrorAsync("get_resource_pool_info", new { name = "Resources" });
        var byPath = await fixture.Client.CallJsonAsync("get_resource_pool_info", new { name = "DC0/host/DC0_H0/Resources" });

        Assert.Contains("'DC0/host/DC0_C0/Resources'", ambiguous);
        Assert.Contains("'DC0/host/DC0_H0/Resources'", ambiguous);
        Assert.Equal("DC0_H0", byPath.String("owner"));
        Assert.Equal(["DC0_H0_VM0", "DC0_H0_VM1"], byPath.Strings("vms"));
    }

    [Fact]
    public async Task List_folders_returns_every_folder_with_its_type_and_children()
    {
        var all = await fixture.Client.CallJsonAsync("list_folders");
        var vmFolders = await fixture.Client.CallJsonAsync("list_folders", new { folder_type = "VM" });

        Assert.Equal(["DC0/datastore", "DC0/host", "DC0/network", "DC0/vm", "DC0/vm/Lab"], all.Items().Strings("path"));
        var folders = all.Items().ToDictionary(folder => folder.String("path")!);
        Assert.Equal("datastore", folders["DC0/datastore"].String("type"));
        Assert.Equal("host", folders["DC0/host"].String("type"));
        Assert.Equal(2, folders["DC0/host"].Int("children"));
        Assert.Equal(4, folders["DC0/vm"].Int("children"));
        Assert.Equal(1, folders["DC0/vm/Lab"].Int("children"));
        Assert.Equal(["DC0/vm", "DC0/vm/Lab"], vmFolders.Items().Strings("path"));
    }

    [Fact]
    public async Task List_folders_rejects_an_unknown_type_with_the_allowed_ones()
    {
        var error = await fixture.Client.CallErrorAsync("list_folders", new { folder_type = "vms" });

        Assert.Contains("folder_type 'vms'", error);
        Assert.Contains("vm, host, datastore, network, datacenter", error);
    }
}
