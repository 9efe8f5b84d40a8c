using McVSphere.Testing;

namespace McVSphere.Plugins.Inventory.Tests;

[Collection(InventoryCollection.Name)]
public class HostAndClusterTests(InventoryFixture fixture)
{
    [Fact]
    public async Task List_hosts_returns_every_host_with_hardware_and_placement()
    {
        var result = await fixture.Client.CallJsonAsync("list_hosts");

        Assert.Equal(["DC0_C0_H0", "DC0_C0_H1", "DC0_C0_H2", "DC0_H0"], result.Items().Strings());
        var hosts = result.Items().ToDictionary(host => host.String("name")!);
        Assert.All(result.Items(), host =>
        {
            Assert.Equal("connected", host.String("connection_state"));
            Assert.Equal("poweredOn", host.String("power_state"));
            Assert.False(host.Bool("in_maintenance_mode"));
            Assert.Equal(2, host.Int("cpu_cores"));
            Assert.Equal(4, host.Double("memory_gb"));
            Assert.StartsWith("VMware ESXi", host.String("version"));
        });
        Assert.Equal("DC0_C0", hosts["DC0_C0_H1"].String("cluster"));
        Assert.False(hosts["DC0_H0"].Has("cluster"));
        Assert.Equal(2, hosts["DC0_H0"].Int("vm_count"));
        Assert.Equal(2, result.Items().Where(host => host.Has("cluster")).Sum(host => host.Int("vm_count")));
    }

    [Fact]
    public async Task List_hosts_filters_by_cluster_and_name()
    {
        var clustered = await fixture.Client.CallJsonAsync("list_hosts", new { cluster_name = "DC0_C0" });
        var named = await fixture.Client.CallJsonAsync("list_hosts", new { name_pattern = "*_H0", limit = 1 });
        var unknown = await fixture.Client.CallErrorAsync("list_hosts", new { cluster_name = "Prod" });

        Assert.Equal(["DC0_C0_H0", "DC0_C0_H1", "DC0_C0_H2"], clustered.Items().Strings());
        Assert.Equal(2, named.Int("total"));
        Assert.Equal(["DC0_C0_H0"], named.Items().Strings());
        Assert.True(named.Bool("truncated"));
        Assert.StartsWith("cluster_name: No cluster named 'Prod'", unknown);
    }

    [Fact]
    public async Task List_clusters_returns_capacity_and_drs_ha_settings()
    {
        var result = await fixture.Client.CallJsonAsync("list_clusters");

        var cluster = Assert.Single(result.Items());
        Assert.Equal("DC0_C0", cluster.String("name"));
        Assert.Equal("DC0/host/DC0_C0", cluster.String("path"));
        Assert.Equal(3, cluster.Int("host_count"));
        Assert.Equal(3, cluster.Int("effective_host_count"));
        Assert.Equal(6, cluster.Int("cpu_cores"));
        Assert.Equal(12, cluster.Double("total_memory_gb"));
        Assert.True(cluster.Int("total_cpu_mhz") > 0);
        Assert.True(cluster.GetProperty("drs").Bool("enabled"));
        Assert.False(cluster.GetProperty("ha").Bool("enabled"));
    }

    [Fact]
    public async Task Get_cluster_info_lists_its_hosts_pool_datastores_and_networks()
    {
        var cluster = await fixture.Client.CallJsonAsync("get_cluster_info", new { cluster_name = "DC0_C0" });

        Assert.Equal("DC0_C0", cluster.String("name"));
        Assert.Equal("DC0", cluster.String("datacenter"));
        Assert.Equal(["DC0_C0_H0", "DC0_C0_H1", "DC0_C0_H2"], cluster.Array("hosts").Strings());
        Assert.Equal(2, cluster.Int("vm_count"));
        Assert.Equal("DC0/host/DC0_C0/Resources", cluster.String("resource_pool"));
        Assert.Equal(["LocalDS_0"], cluster.Strings("datastores"));
        Assert.Contains("VM Network", cluster.Strings("networks"));
        Assert.Contains("DC0_DVPG0", cluster.Strings("networks"));
        Assert.True(cluster.GetProperty("drs").Bool("enabled"));
    }

    [Fact]
    public async Task Get_cluster_info_of_an_unknown_cluster_lists_the_closest_names()
    {
        var error = await fixture.Client.CallErrorAsync("get_cluster_info", new { cluster_name = "DC0_C" });

        Assert.Contains("No cluster named 'DC0_C'", error);
        Assert.Contains("'DC0_C0'", error);
    }

    [Fact]
    public async Task Get_drs_recommendations_reports_none_on_an_idle_cluster()
    {
        var result = await fixture.Client.CallJsonAsync("get_drs_recommendations", new { cluster_name = "DC0_C0" });

        Assert.Equal("DC0_C0", result.String("cluster"));
        Assert.True(result.Bool("drs_enabled"));
        Assert.Equal(0, result.Int("count"));
        Assert.Empty(result.Array("recommendations"));
    }
}
