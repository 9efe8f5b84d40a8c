using McVSphere.Testing;

namespace McVSphere.Plugins.Inventory.Tests;

/// <summary>MCVSPHERE_PAGE_SIZE is the maxObjects the host asks for, and every page is read.</summary>
public class PageSizeTests(SmallPageFixture fixture) : IClassFixture<SmallPageFixture>
{
    [Fact]
    public async Task List_vms_asks_for_pages_of_the_configured_size_and_reads_them_all()
    {
        var simulator = fixture.Simulator;
        using var direct = await RawVimSession.LoginAsync(simulator.Url, simulator.User, simulator.Password);
        var vmNames = (await direct.RetrieveAllNamesAsync(await direct.CreateViewAsync("VirtualMachine"), "VirtualMachine"))
            .SelectMany(page => page.Names).Order(StringComparer.Ordinal).ToArray();
        var snapshotView = await direct.CreateViewAsync("VirtualMachine", "Folder", "Datacenter", "ComputeResource", "ResourcePool", "HostSystem");
        var snapshotPages = await direct.RetrieveAllNamesAsync(snapshotView, "ManagedEntity", maxObjects: SmallPageFixture.PageSize);
        var snapshotObjects = snapshotPages.Sum(page => page.Names.Count);
        Assert.True(snapshotPages.Count > 2, $"{snapshotObjects} objects: too few to page");

        var before = await RawVimSession.PagingStatsAsync(simulator.Url);
        var listing = await fixture.Client.CallJsonAsync("list_vms", new { });
        var after = await RawVimSession.PagingStatsAsync(simulator.Url);

        Assert.Equal(vmNames, listing.Items().Strings().Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(snapshotPages.Count - 1, after["ContinueRetrievePropertiesEx"] - before["ContinueRetrievePropertiesEx"]);
    }
}
