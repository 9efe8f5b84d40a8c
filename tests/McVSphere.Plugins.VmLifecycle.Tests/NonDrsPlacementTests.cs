using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.VmLifecycle.Tests;

/// <summary>
/// The host configured for the test bed's cluster without DRS (DC0_NC0, hosts DC0_NC0_H0 and DC0_NC0_H1), where vSphere
/// refuses a placement without a host; DC0_C0 beside it has DRS.
/// </summary>
public sealed class NonDrsPlacementFixture : VmLifecycleFixture
{
    public const string Cluster = "DC0_NC0";
    public const string Host0 = "DC0_NC0_H0";
    public const string Host1 = "DC0_NC0_H1";

    protected override IReadOnlyDictionary<string, string?> HostSettings => new Dictionary<string, string?> { ["VCENTER_CLUSTER"] = Cluster };

    public async Task<ManagedObjectReference> HostAsync(string name) => (await VSphere.Lookup.FindAsync(VSphereObjectKind.Host, name)).Ref;

    /// <summary>Puts a host in maintenance mode until the returned value is disposed.</summary>
    public async Task<IAsyncDisposable> MaintenanceAsync(string name)
    {
        var host = await HostAsync(name);
        await VSphere.EnterMaintenanceModeAsync(host, 0);
        return new Exit(async () => await VSphere.ExitMaintenanceModeAsync(host, 0));
    }

    /// <summary>The VM's host and whether that host mounts every datastore of the VM and is usable, read back.</summary>
    public async Task<string> AssertOnUsableHostAsync(string vmName)
    {
        var vm = await ReadVmAsync(vmName, "runtime.host", "datastore", "resourcePool");
        var host = await VSphere.Properties.RetrieveAsync(vm.GetReference("runtime.host")!,
            ["name", "parent", "datastore", "runtime.inMaintenanceMode", "runtime.connectionState"]);
        Assert.Equal(Cluster, (await VSphere.Properties.RetrieveAsync(host.GetReference("parent")!, ["name"])).GetString("name"));
        Assert.False(host.GetBoolean("runtime.inMaintenanceMode"));
        Assert.Equal("connected", host.GetString("runtime.connectionState"));
        Assert.All(vm.GetReferences("datastore"), datastore => Assert.Contains(datastore, host.GetReferences("datastore")));
        var owner = (await VSphere.Properties.RetrieveAsync(vm.GetReference("resourcePool")!, ["owner"])).GetReference("owner")!;
        Assert.Equal(host.GetReference("parent"), owner);
        return host.GetString("name")!;
    }

    private sealed class Exit(Func<Task> exit) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await exit();
    }
}

/// <summary>Every tool that creates or moves a VM passes a usable host into a cluster without DRS, and refuses an unusable one.</summary>
public sealed class NonDrsPlacementTests(NonDrsPlacementFixture fixture) : IClassFixture<NonDrsPlacementFixture>
{
    private const string Host0 = NonDrsPlacementFixture.Host0;
    private const string Host1 = NonDrsPlacementFixture.Host1;

    [Fact]
    public async Task Create_vm_lands_on_a_usable_host_of_the_cluster_without_drs()
    {
        await using (await fixture.MaintenanceAsync(Host0))
        {
            var name = await fixture.CreateVmAsync("nodrs-create");
            Assert.Equal(Host1, await fixture.AssertOnUsableHostAsync(name));
        }
        var named = fixture.UniqueName("nodrs-named");
        var result = await fixture.Client.CallJsonAsync("create_vm", new { name = named, cpu = 1, memory_mb = 256, disk_gb = 1, host_name = Host0 });
        Assert.Equal(Host0, result.GetProperty("vm").GetProperty("host").GetString());
        Assert.Equal(Host0, await fixture.AssertOnUsableHostAsync(named));
    }

    [Fact]
    public async Task A_host_in_maintenance_mode_or_outside_the_cluster_is_refused_with_the_usable_hosts()
    {
        await using (await fixture.MaintenanceAsync(Host0))
        {
            var error = await fixture.Client.CallErrorAsync("create_vm",
                new { name = fixture.UniqueName("nodrs-maint"), cpu = 1, memory_mb = 256, disk_gb = 1, host_name = Host0 });
            Assert.Contains("host_name", error);
            Assert.Contains("maintenance mode", error);
            Assert.Contains(Host1, error);

            var source = await fixture.CreateVmAsync("nodrs-maint-src");
            error = await fixture.Client.CallErrorAsync("clone_vm", new { template_name = source, new_name = fixture.UniqueName("c"), host_name = Host0 });
            Assert.Contains("maintenance mode", error);
            Assert.Contains(Host1, error);
        }
        var outside = await fixture.Client.CallErrorAsync("create_vm",
            new { name = fixture.UniqueName("nodrs-outside"), cpu = 1, memory_mb = 256, disk_gb = 1, host_name = "DC0_C0_H0" });
        Assert.Contains("is not in cluster 'DC0_NC0'", outside);
        Assert.Contains(Host0, outside);
        Assert.Contains(Host1, outside);
    }

    [Fact]
    public async Task Clone_vm_and_deploy_from_template_land_on_a_usable_host()
    {
        var source = await fixture.CreateVmAsync("nodrs-src");
        await using (await fixture.MaintenanceAsync(Host0))
        {
            var clone = fixture.UniqueName("nodrs-clone");
            await fixture.Client.CallJsonAsync("clone_vm", new { template_name = source, new_name = clone, datastore = "LocalDS_1" });
            Assert.Equal(Host1, await fixture.AssertOnUsableHostAsync(clone));

            await fixture.Client.CallJsonAsync("convert_to_template", new { vm_name = source });
            var deployed = fixture.UniqueName("nodrs-deployed");
            await fixture.Client.CallJsonAsync("deploy_from_template", new { template_name = source, new_vm_name = deployed });
            Assert.Equal(Host1, await fixture.AssertOnUsableHostAsync(deployed));
        }
        var onHost0 = fixture.UniqueName("nodrs-deployed-h0");
        await fixture.Client.CallJsonAsync("deploy_from_template", new { template_name = source, new_vm_name = onHost0, host_name = Host0 });
        Assert.Equal(Host0, await fixture.AssertOnUsableHostAsync(onHost0));
    }

    [Fact]
    public async Task Convert_to_vm_lands_on_a_usable_host()
    {
        var name = await fixture.CreateVmAsync("nodrs-template");
        await fixture.Client.CallJsonAsync("convert_to_template", new { vm_name = name });
        await using (await fixture.MaintenanceAsync(Host0))
        {
            await using (await fixture.MaintenanceAsync(Host1))
            {
                var error = await fixture.Client.CallErrorAsync("convert_to_vm", new { template_name = name, resource_pool = NonDrsPlacementFixture.Cluster });
                Assert.Contains("No host of cluster 'DC0_NC0' can take the VM", error);
            }
            await fixture.Client.CallJsonAsync("convert_to_vm", new { template_name = name, resource_pool = NonDrsPlacementFixture.Cluster });
            Assert.Equal(Host1, await fixture.AssertOnUsableHostAsync(name));
        }
        // Into the DRS cluster, vSphere chooses.
        await fixture.Client.CallJsonAsync("convert_to_template", new { vm_name = name });
        var vm = await fixture.Client.CallJsonAsync("convert_to_vm", new { template_name = name, resource_pool = "DC0_C0" });
        Assert.StartsWith("DC0_C0_H", vm.GetProperty("vm").GetProperty("host").GetString());
    }

    [Fact]
    public async Task Migrate_vm_into_the_cluster_without_drs_and_back()
    {
        // DC0_C0_RP0_VM1 is one of the test bed's VMs, in DC0_C0 (DRS).
        const string vm = "DC0_C0_RP0_VM1";
        await using (await fixture.MaintenanceAsync(Host0))
        {
            await fixture.Client.CallJsonAsync("migrate_vm", new { vm_name = vm, target_pool = NonDrsPlacementFixture.Cluster });
            Assert.Equal(Host1, await fixture.AssertOnUsableHostAsync(vm));
        }
        var refused = await fixture.Client.CallErrorAsync("migrate_vm", new { vm_name = vm, target_host = "DC0_C0_H0", target_pool = NonDrsPlacementFixture.Cluster });
        Assert.Contains("target_host", refused);
        Assert.Contains("is not in cluster 'DC0_NC0'", refused);

        await fixture.Client.CallJsonAsync("migrate_vm", new { vm_name = vm, target_host = Host0 });
        Assert.Equal(Host0, await fixture.AssertOnUsableHostAsync(vm));

        var back = await fixture.Client.CallJsonAsync("migrate_vm", new { vm_name = vm, target_pool = "DC0_C0" });
        Assert.StartsWith("DC0_C0_H", back.GetProperty("vm").GetProperty("host").GetString());
    }

    [Fact]
    public async Task The_cluster_with_drs_still_lets_vsphere_choose()
    {
        // DC0_C0_RP0_VM0 is in DC0_C0 (DRS): its clone stays in its pool, with no host passed.
        var clone = fixture.UniqueName("drs-clone");
        var result = await fixture.Client.CallJsonAsync("clone_vm", new { template_name = "DC0_C0_RP0_VM0", new_name = clone });
        Assert.StartsWith("DC0_C0_H", result.GetProperty("vm").GetProperty("host").GetString());

        var moved = await fixture.Client.CallJsonAsync("storage_vmotion", new { vm_name = clone, target_datastore = "LocalDS_1" });
        Assert.Equal("LocalDS_1", Assert.Single(moved.GetProperty("vm").GetProperty("datastores").EnumerateArray()).GetString());
    }
}
