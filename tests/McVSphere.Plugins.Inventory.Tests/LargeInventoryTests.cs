using System.Diagnostics;
using McVSphere.Testing;

namespace McVSphere.Plugins.Inventory.Tests;

/// <summary>
/// Listings over 5,000 VMs: filters and limits keep answers small, and total still counts every match. The simulator
/// pages RetrievePropertiesEx as vCenter may, at most 100 objects a page.
/// </summary>
public class LargeInventoryTests(LargeInventoryFixture fixture) : IClassFixture<LargeInventoryFixture>
{
    /// <summary>The simulator's cap on objects per page (its -retrieve-max-objects default).</summary>
    private const int ServerPageCap = 100;

    [Fact]
    public async Task List_vms_reads_every_100_object_page_and_equals_a_direct_read()
    {
        var simulator = fixture.Simulator;
        using var direct = await RawVimSession.LoginAsync(simulator.Url, simulator.User, simulator.Password);
        var vmPages = await direct.RetrieveAllNamesAsync(await direct.CreateViewAsync("VirtualMachine"), "VirtualMachine");
        // What list_vms reads: the VMs and everything that places them (InventorySnapshot), in one paged read.
        var snapshotView = await direct.CreateViewAsync("VirtualMachine", "Folder", "Datacenter", "ComputeResource", "ResourcePool", "HostSystem");
        var snapshotObjects = (await direct.RetrieveAllNamesAsync(snapshotView, "ManagedEntity")).Sum(page => page.Names.Count);

        var before = await RawVimSession.PagingStatsAsync(simulator.Url);
        var listing = await fixture.Client.CallJsonAsync("list_vms", new { });
        var after = await RawVimSession.PagingStatsAsync(simulator.Url);

        Assert.Equal(LargeInventoryFixture.VmCount / ServerPageCap, vmPages.Count);
        Assert.All(vmPages, page => Assert.Equal(ServerPageCap, page.Names.Count));
        var directNames = vmPages.SelectMany(page => page.Names).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(LargeInventoryFixture.VmCount, listing.Int("total"));
        Assert.Equal(directNames, listing.Items().Strings().Order(StringComparer.Ordinal).ToArray());
        // One RetrievePropertiesEx, then one ContinueRetrievePropertiesEx per further page of 100 objects, none cancelled.
        Assert.Equal(1, after["RetrievePropertiesEx"] - before["RetrievePropertiesEx"]);
        Assert.Equal((snapshotObjects + ServerPageCap - 1) / ServerPageCap - 1, after["ContinueRetrievePropertiesEx"] - before["ContinueRetrievePropertiesEx"]);
        Assert.Equal(0, after["CancelRetrievePropertiesEx"] - before["CancelRetrievePropertiesEx"]);
        Assert.Equal(before["pending"], after["pending"]);
    }

    [Fact]
    public async Task A_retrieval_token_is_refused_to_another_session()
    {
        var simulator = fixture.Simulator;
        using var owner = await RawVimSession.LoginAsync(simulator.Url, simulator.User, simulator.Password);
        using var other = await RawVimSession.LoginAsync(simulator.Url, simulator.User, simulator.Password);
        var first = await owner.RetrieveNamesAsync(await owner.CreateViewAsync("VirtualMachine"), "VirtualMachine");
        Assert.NotNull(first.Token);

        var refused = await Assert.ThrowsAsync<RawVimFaultException>(() => other.ContinueAsync(first.Token!));

        Assert.Equal("InvalidArgument", refused.FaultType);
        Assert.Equal("token", refused.InvalidProperty);
        Assert.Equal(ServerPageCap, (await owner.ContinueAsync(first.Token!)).Names.Count);
    }

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
