using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.OvfOps.Tests;

/// <summary>The host configured for the test bed's cluster without DRS (DC0_NC0, hosts DC0_NC0_H0 and DC0_NC0_H1).</summary>
public sealed class NonDrsOvfOpsFixture : OvfOpsFixture
{
    public const string Cluster = "DC0_NC0";

    protected override IReadOnlyDictionary<string, string?> PlacementSettings => new Dictionary<string, string?> { ["VCENTER_CLUSTER"] = Cluster };

    /// <summary>Puts a host in maintenance mode until the returned value is disposed.</summary>
    public async Task<IAsyncDisposable> MaintenanceAsync(string name)
    {
        var host = (await VSphere.Lookup.FindAsync(VSphereObjectKind.Host, name)).Ref;
        await VSphere.EnterMaintenanceModeAsync(host, 0);
        return new Exit(async () => await VSphere.ExitMaintenanceModeAsync(host, 0));
    }

    private sealed class Exit(Func<Task> exit) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await exit();
    }
}

/// <summary>deploy_ovf into a cluster without DRS passes a usable host to ImportVApp, and refuses an unusable host_name.</summary>
public sealed class NonDrsDeployTests(NonDrsOvfOpsFixture fixture) : IClassFixture<NonDrsOvfOpsFixture>
{
    private const string Host0 = "DC0_NC0_H0";
    private const string Host1 = "DC0_NC0_H1";

    private string Package(string name)
    {
        TestPackages.WriteOvf(fixture.RootPath($"sources/{name}"), name, [new TestDisk("disk1.vmdk", TestPackages.Vmdk(1 << 20, seed: 7))],
            ["VM Network"]);
        return $"file:sources/{name}/{name}.ovf";
    }

    [Fact]
    public async Task Deploys_onto_a_usable_host_that_mounts_the_datastore()
    {
        var name = fixture.UniqueName("nodrs-ovf");
        await using (await fixture.MaintenanceAsync(Host0))
        {
            var result = await fixture.Client.CallJsonAsync("deploy_ovf", new { ovf_path = Package(name), vm_name = name, datastore = OvfOpsFixture.Datastore });
            Assert.Equal(Host1, result.GetProperty("host").GetString());
        }
        var vm = await fixture.VSphere.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, name);
        var content = await fixture.VSphere.Properties.RetrieveAsync(vm.Ref, ["runtime.host", "datastore"]);
        var host = await fixture.VSphere.Properties.RetrieveAsync(content.GetReference("runtime.host")!, ["name", "parent", "datastore"]);
        Assert.Equal(Host1, host.GetString("name"));
        Assert.Equal(NonDrsOvfOpsFixture.Cluster, (await fixture.VSphere.Properties.RetrieveAsync(host.GetReference("parent")!, ["name"])).GetString("name"));
        Assert.All(content.GetReferences("datastore"), datastore => Assert.Contains(datastore, host.GetReferences("datastore")));

        // The caller's host wins over the rule's choice (which, with both usable, is not always this one).
        var named = fixture.UniqueName("nodrs-ovf-h1");
        var onHost1 = await fixture.Client.CallJsonAsync("deploy_ovf",
            new { ovf_path = Package(named), vm_name = named, datastore = OvfOpsFixture.Datastore, host_name = Host1 });
        Assert.Equal(Host1, onHost1.GetProperty("host").GetString());
    }

    [Fact]
    public async Task Refuses_a_host_in_maintenance_mode_or_outside_the_cluster_with_the_usable_hosts()
    {
        await using (await fixture.MaintenanceAsync(Host0))
        {
            var name = fixture.UniqueName("nodrs-ovf-maint");
            var error = await fixture.Client.CallErrorAsync("deploy_ovf",
                new { ovf_path = Package(name), vm_name = name, datastore = OvfOpsFixture.Datastore, host_name = Host0 });
            Assert.Contains("host_name", error);
            Assert.Contains("maintenance mode", error);
            Assert.Contains(Host1, error);
            Assert.False(await fixture.VmExistsAsync(name));
        }
        var outside = fixture.UniqueName("nodrs-ovf-outside");
        var refused = await fixture.Client.CallErrorAsync("deploy_ovf",
            new { ovf_path = Package(outside), vm_name = outside, datastore = OvfOpsFixture.Datastore, host_name = "DC0_C0_H0" });
        Assert.Contains("is not in cluster 'DC0_NC0'", refused);
        Assert.Contains(Host1, refused);
        Assert.False(await fixture.VmExistsAsync(outside));
    }
}
