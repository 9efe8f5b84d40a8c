using System.Diagnostics;
using McVSphere.Testing;

namespace McVSphere.Plugins.Inventory.Tests;

/// <summary>Listings over 5,000 VMs: filters and limits keep answers small, and total still counts every match.</summary>
public class LargeInventoryTests(LargeInventoryFixture fixture) : IClassFixture<LargeInventoryFixture>
{
    [Fact]
    public async Task List_vms_with_a_pattern_and_a_limit_returns_a_page_and_the_total()
    {
        var stopwatch = Stopwatch.StartNew();
        var result = await fixture.Client.CallJsonAsync("list_vms", new { name_pattern = "DC0_C0_RP0_VM12*", limit = 5 });
        stopwatch.Stop();

        // VM12, VM120..VM129 and VM1200..VM1299.
        Assert.Equal(111, result.Int("total"));
        Assert.Equal(5, result.Int("returned"));
        Assert.True(result.Bool("truncated"));
        Assert.Equal(["DC0_C0_RP0_VM12", "DC0_C0_RP0_VM120", "DC0_C0_RP0_VM1200", "DC0_C0_RP0_VM1201", "DC0_C0_RP0_VM1202"],
            result.Items().Strings());
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"list_vms took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task List_vms_counts_every_vm_and_splits_them_across_the_hosts()
    {
        var all = await fixture.Client.CallJsonAsync("list_vms", new { power_state = "poweredOn", limit = 10 });
        var perHost = await Task.WhenAll(new[] { "DC0_C0_H0", "DC0_C0_H1", "DC0_C0_H2" }.Select(host =>
            fixture.Client.CallJsonAsync("list_vms", new { host_name = host, limit = 1 })));

        Assert.Equal(LargeInventoryFixture.VmCount, all.Int("total"));
        Assert.Equal(10, all.Items().Length);
        Assert.All(all.Items(), vm => Assert.Equal("DC0_C0", vm.String("cluster")));
        Assert.Equal(LargeInventoryFixture.VmCount, perHost.Sum(host => host.Int("total")));
        Assert.All(perHost, host => Assert.InRange(host.Int("total"), 1, LargeInventoryFixture.VmCount - 2));
    }

    [Fact]
    public async Task List_vms_of_a_folder_returns_nothing_but_the_count_when_limited()
    {
        var result = await fixture.Client.CallJsonAsync("list_vms", new { folder_path = "DC0/vm", cluster_name = "DC0_C0", limit = 1 });

        Assert.Equal(LargeInventoryFixture.VmCount, result.Int("total"));
        Assert.Single(result.Items());
    }
}
