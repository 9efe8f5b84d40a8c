using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.OvfOps.Tests;

/// <summary>deploy_ovf with real packages: the VM exists with its disks, whose bytes on the datastore are those of the package.</summary>
public sealed class DeployTests(OvfOpsFixture fixture) : IClassFixture<OvfOpsFixture>
{
    [Fact]
    public async Task Deploys_a_local_ovf_with_its_disk_bytes_and_reports_progress()
    {
        var name = fixture.UniqueName("ovf");
        var disk = new TestDisk("disk1.vmdk", TestPackages.Vmdk(3 << 20, seed: 1));
        TestPackages.WriteOvf(fixture.RootPath(name), name, [disk], ["VM Network"]);
        await using var progress = new ProgressRecorder(fixture.Client);

        var result = await fixture.Client.CallJsonAsync("deploy_ovf",
            new { ovf_path = $"file:{name}/{name}.ovf", vm_name = name, datastore = OvfOpsFixture.Datastore }, progress);

        Assert.Equal(name, result.GetProperty("name").GetString());
        Assert.Equal("poweredOff", result.GetProperty("power_state").GetString());
        Assert.Equal(disk.Content.Length, result.GetProperty("bytes_uploaded").GetInt64());
        var vm = await fixture.VSphere.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, name);
        var content = await fixture.VSphere.Properties.RetrieveAsync(vm.Ref, ["config.hardware.numCPU", "config.hardware.memoryMB", "config.hardware.device"]);
        Assert.Equal(2, content.GetInt32("config.hardware.numCPU"));
        Assert.Equal(256, content.GetInt64("config.hardware.memoryMB"));
        var disks = VirtualDevice.ListFrom(content["config.hardware.device"]).OfType<VirtualDisk>().ToArray();
        var file = Assert.Single(disks).FlatBacking?.FileName;
        Assert.True(DatastorePath.TryParse(file, out var diskPath), file);
        Assert.Equal(disk.Content, await fixture.ReadDatastoreFileAsync(diskPath.Path));
        var updates = await progress.WaitForAsync(update => update.Progress == disk.Content.Length);
        Assert.Contains(updates, update => update.Total == disk.Content.Length && update.Progress == disk.Content.Length);
    }

    [Fact]
    public async Task Deploys_an_ovf_with_vmware_extra_config_which_the_vm_then_has()
    {
        // CreateImportSpec turns vmw:ExtraConfig into configSpec.extraConfig with xsd:string values; ImportVApp must get
        // them back typed (vCenter refuses an untyped anyType value, and so does the test bed).
        var name = fixture.UniqueName("ovf-extra");
        var disk = new TestDisk("disk1.vmdk", TestPackages.Vmdk(64 << 10, seed: 5));
        TestPackages.WriteOvf(fixture.RootPath(name), name, [disk], ["VM Network"],
            new Dictionary<string, string> { ["guestinfo.appliance.role"] = "frontend", ["disk.EnableUUID"] = "TRUE" });

        await fixture.Client.CallJsonAsync("deploy_ovf", new { ovf_path = $"file:{name}/{name}.ovf", vm_name = name, datastore = OvfOpsFixture.Datastore });

        var vm = await fixture.VSphere.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, name);
        var content = await fixture.VSphere.Properties.RetrieveAsync(vm.Ref, ["config.extraConfig"]);
        var extraConfig = content.GetArray("config.extraConfig").OfType<VimObject>()
            .ToDictionary(option => option.GetString("key") ?? "", option => option.GetString("value"));
        Assert.Equal("frontend", extraConfig["guestinfo.appliance.role"]);
        Assert.Equal("TRUE", extraConfig["disk.EnableUUID"]);
    }

    [Fact]
    public async Task A_plain_ovf_path_is_on_the_datastore_given_as_in_the_original()
    {
        var name = fixture.UniqueName("plain");
        var local = TestPackages.WriteOvf(fixture.RootPath($"staging/{name}"), name, [new TestDisk("disk1.vmdk", TestPackages.Vmdk(1 << 20, seed: 12))], ["VM Network"]);
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(local)!))
        {
            await fixture.WriteDatastoreFileAsync($"appliances/{name}/{Path.GetFileName(file)}", File.ReadAllBytes(file));
        }

        var result = await fixture.Client.CallJsonAsync("deploy_ovf", new { ovf_path = $"appliances/{name}/{name}.ovf", vm_name = name, datastore = OvfOpsFixture.Datastore });

        Assert.Equal(name, result.GetProperty("name").GetString());
        Assert.True(await fixture.VmExistsAsync(name));
        // The same relative path is not read from the server's file root without file:.
        Assert.Contains("does not exist", await fixture.Client.CallErrorAsync("deploy_ovf",
            new { ovf_path = $"staging/{name}/{name}.ovf", vm_name = fixture.UniqueName("not-local"), datastore = OvfOpsFixture.Datastore }));
    }

    [Fact]
    public async Task Deploys_an_ova_from_a_datastore_with_a_network_map_and_powers_it_on()
    {
        var name = fixture.UniqueName("ova");
        TestDisk[] disks = [new("system.vmdk", TestPackages.Vmdk(2 << 20, seed: 2)), new("data.vmdk", TestPackages.Vmdk(1 << 20, seed: 3))];
        await fixture.WriteDatastoreFileAsync($"packages/{name}.ova", TestPackages.Ova(name, disks, ["VM Network", "Backend"]));

        var result = await fixture.Client.CallJsonAsync("deploy_ovf", new
        {
            ovf_path = $"[{OvfOpsFixture.Datastore}] packages/{name}.ova",
            vm_name = name,
            datastore = OvfOpsFixture.Datastore,
            power_on = true,
            network_map = new Dictionary<string, string> { ["Backend"] = "DC0_DVPG0" },
        });

        Assert.Equal("poweredOn", result.GetProperty("power_state").GetString());
        Assert.Equal(["DC0_DVPG0", "VM Network"], result.GetProperty("networks").EnumerateArray().Select(network => network.GetString()).Order());
        var vm = await fixture.VSphere.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, name);
        var content = await fixture.VSphere.Properties.RetrieveAsync(vm.Ref, ["runtime.powerState", "config.hardware.device"]);
        Assert.Equal("poweredOn", content.GetString("runtime.powerState"));
        var files = VirtualDevice.ListFrom(content["config.hardware.device"]).OfType<VirtualDisk>().Select(disk => disk.FlatBacking!.FileName).ToArray();
        Assert.Equal(2, files.Length);
        for (var i = 0; i < disks.Length; i++)
        {
            Assert.True(DatastorePath.TryParse(files[i], out var path));
            Assert.Equal(disks[i].Content, await fixture.ReadDatastoreFileAsync(path.Path));
        }
    }

    [Fact]
    public async Task Deploys_an_ova_from_an_http_url()
    {
        var name = fixture.UniqueName("web");
        var disk = new TestDisk("disk1.vmdk", TestPackages.Vmdk(1 << 20, seed: 4));
        await fixture.WriteDatastoreFileAsync($"web/{name}.ova", TestPackages.Ova(name, [disk], ["VM Network"]));
        // The simulator's /folder endpoint is as good a web server as any.
        var url = new Uri(fixture.Simulator.Url, $"/folder/web/{name}.ova?dcPath={OvfOpsFixture.Datacenter}&dsName={OvfOpsFixture.Datastore}");

        var result = await fixture.Client.CallJsonAsync("deploy_ovf", new { ovf_path = url.ToString(), vm_name = name, datastore = OvfOpsFixture.Datastore });

        var file = Assert.Single(result.GetProperty("disks").EnumerateArray()).GetProperty("file").GetString();
        Assert.True(DatastorePath.TryParse(file, out var path));
        Assert.Equal(disk.Content, await fixture.ReadDatastoreFileAsync(path.Path));
    }
}
