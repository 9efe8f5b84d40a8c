namespace McVSphere.Plugins.OvfOps.Tests;

/// <summary>A deploy that fails, before or during the disk transfers, leaves no VM behind.</summary>
public sealed class FailedDeployTests(OvfOpsFixture fixture) : IClassFixture<OvfOpsFixture>
{
    [Fact]
    public async Task A_local_ovf_whose_disk_is_missing_is_refused_before_any_vm_exists()
    {
        var name = fixture.UniqueName("nodisk");
        var descriptor = TestPackages.WriteOvf(fixture.RootPath(name), name, [new TestDisk("disk1.vmdk", TestPackages.Vmdk(4096, seed: 105))], ["VM Network"]);
        File.Delete(Path.Combine(Path.GetDirectoryName(descriptor)!, "disk1.vmdk"));

        var error = await fixture.Client.CallErrorAsync("deploy_ovf", new { ovf_path = $"file:{name}/{name}.ovf", vm_name = name, datastore = OvfOpsFixture.Datastore });

        Assert.Contains("disk1.vmdk", error);
        Assert.Contains("does not exist", error);
        Assert.False(await fixture.VmExistsAsync(name));
    }

    [Fact]
    public async Task A_network_that_does_not_exist_is_refused_with_the_networks_there_are()
    {
        var name = fixture.UniqueName("nonet");
        TestPackages.WriteOvf(fixture.RootPath(name), name, [new TestDisk("disk1.vmdk", TestPackages.Vmdk(4096, seed: 106))], ["VM Network"]);

        var error = await fixture.Client.CallErrorAsync("deploy_ovf",
            new { ovf_path = $"file:{name}/{name}.ovf", vm_name = name, datastore = OvfOpsFixture.Datastore, network = "No Such Network" });

        Assert.Contains("No Such Network", error);
        Assert.Contains("VM Network", error);
        Assert.False(await fixture.VmExistsAsync(name));
    }

    [Fact]
    public async Task A_disk_missing_from_a_datastore_package_aborts_the_import_and_leaves_no_vm()
    {
        var name = fixture.UniqueName("aborted");
        // The descriptor is on the datastore but its disk is not: the import lease exists (and so does the VM) when this is found.
        await fixture.WriteDatastoreFileAsync($"broken/{name}.ovf",
            System.Text.Encoding.UTF8.GetBytes(TestPackages.Descriptor(name, [new TestDisk("missing.vmdk", new byte[4096])], ["VM Network"])));

        var error = await fixture.Client.CallErrorAsync("deploy_ovf",
            new { ovf_path = $"[{OvfOpsFixture.Datastore}] broken/{name}.ovf", vm_name = name, datastore = OvfOpsFixture.Datastore });

        Assert.Contains("missing.vmdk", error);
        Assert.False(await fixture.VmExistsAsync(name));
        Assert.Null(await fixture.ReadDatastoreFileAsync($"{name}/{name}.vmx"));
    }

    [Fact]
    public async Task A_truncated_ova_aborts_the_import_and_leaves_no_vm()
    {
        var name = fixture.UniqueName("truncated");
        var ova = TestPackages.Ova(name, [new TestDisk("disk1.vmdk", TestPackages.Vmdk(1 << 20, seed: 5))], ["VM Network"]);
        File.WriteAllBytes(fixture.RootPath($"{name}.ova"), ova[..(ova.Length / 2)]);

        var error = await fixture.Client.CallErrorAsync("deploy_ovf", new { ovf_path = $"file:{name}.ova", vm_name = name, datastore = OvfOpsFixture.Datastore });

        Assert.Contains("disk1.vmdk", error);
        Assert.Contains("ended after", error);
        Assert.False(await fixture.VmExistsAsync(name));
    }

    [Fact]
    public async Task A_disk_that_is_not_streamOptimized_is_refused_by_the_host_and_leaves_no_vm()
    {
        var name = fixture.UniqueName("rawdisk");
        // A raw (flat) disk: vSphere's NFC accepts only streamOptimized VMDKs, so the host refuses the upload.
        TestPackages.WriteOvf(fixture.RootPath(name), name, [new TestDisk("disk1.vmdk", TestPackages.KnownBytes(64 << 10, seed: 109))], ["VM Network"]);

        var error = await fixture.Client.CallErrorAsync("deploy_ovf", new { ovf_path = $"file:{name}/{name}.ovf", vm_name = name, datastore = OvfOpsFixture.Datastore });

        Assert.Contains("disk1.vmdk", error);
        Assert.Contains("not a streamOptimized VMDK", error);
        Assert.False(await fixture.VmExistsAsync(name));
    }

    [Fact]
    public async Task A_vm_name_in_use_is_refused()
    {
        var name = fixture.UniqueName("taken");
        TestPackages.WriteOvf(fixture.RootPath(name), name, [new TestDisk("disk1.vmdk", TestPackages.Vmdk(4096, seed: 107))], ["VM Network"]);

        var error = await fixture.Client.CallErrorAsync("deploy_ovf",
            new { ovf_path = $"file:{name}/{name}.ovf", vm_name = "DC0_H0_VM0", datastore = OvfOpsFixture.Datastore });

        Assert.Contains("already exists", error);
    }

    [Fact]
    public async Task An_unknown_datastore_is_answered_with_the_closest_names()
    {
        var name = fixture.UniqueName("nods");
        TestPackages.WriteOvf(fixture.RootPath(name), name, [new TestDisk("disk1.vmdk", TestPackages.Vmdk(4096, seed: 108))], ["VM Network"]);

        var error = await fixture.Client.CallErrorAsync("deploy_ovf", new { ovf_path = $"file:{name}/{name}.ovf", vm_name = name, datastore = "LocalDS_9" });

        Assert.Contains("LocalDS_0", error);
        Assert.False(await fixture.VmExistsAsync(name));
    }
}
