namespace McVSphere.Plugins.VmLifecycle.Tests;

public sealed class PlacementToolsTests(VmLifecycleFixture fixture) : IClassFixture<VmLifecycleFixture>
{
    [Fact]
    public async Task Storage_vmotion_moves_the_vm_to_the_datastore_and_says_when_it_is_there()
    {
        var name = await fixture.CreateVmAsync("svmotion");

        var result = await fixture.Client.CallJsonAsync("storage_vmotion", new { vm_name = name, target_datastore = "LocalDS_1", thin_provision = true });

        Assert.Equal(["LocalDS_1"], result.GetProperty("vm").GetProperty("datastores").EnumerateArray().Select(item => item.GetString()));
        Assert.Equal(["LocalDS_1"], await DatastoreNamesAsync(name));
        Assert.True(await ThinAsync(name));
        var again = await fixture.Client.CallJsonAsync("storage_vmotion", new { vm_name = name, target_datastore = "LocalDS_1" });
        Assert.True(again.GetProperty("already_in_state").GetBoolean());
        Assert.True(await ThinAsync(name));

        // As in the original, thin_provision=false converts to thick, even where the VM already is.
        var thick = await fixture.Client.CallJsonAsync("storage_vmotion", new { vm_name = name, target_datastore = "LocalDS_1", thin_provision = false });
        Assert.False(thick.GetProperty("already_in_state").GetBoolean());
        Assert.False(await ThinAsync(name));
        Assert.True((await fixture.Client.CallJsonAsync("storage_vmotion", new { vm_name = name, target_datastore = "LocalDS_1", thin_provision = false }))
            .GetProperty("already_in_state").GetBoolean());
        Assert.Contains("Did you mean", await fixture.Client.CallErrorAsync("storage_vmotion", new { vm_name = name, target_datastore = "LocalDS_9" }));
    }

    private async Task<bool> ThinAsync(string vm) =>
        (await fixture.DevicesAsync(vm)).OfType<VirtualDisk>().Single().FlatBacking!.ThinProvisioned == true;

    [Fact]
    public async Task Move_vm_disk_moves_one_disk_and_refuses_an_unknown_label()
    {
        var name = await fixture.CreateVmAsync("move-disk");
        var home = await DatastoreNamesAsync(name);
        var target = home.Single() == "LocalDS_0" ? "LocalDS_1" : "LocalDS_0";

        await fixture.Client.CallJsonAsync("move_vm_disk", new { vm_name = name, disk_label = "Hard disk 1", target_datastore = target });

        Assert.Contains(target, await DatastoreNamesAsync(name));
        Assert.Contains("Hard disk 1", await fixture.Client.CallErrorAsync("move_vm_disk", new { vm_name = name, disk_label = "Hard disk 7", target_datastore = target }));
    }

    [Fact]
    public async Task Migrate_vm_moves_to_a_host_of_the_cluster_and_to_a_standalone_host_with_its_pool()
    {
        var name = await fixture.CreateVmAsync("migrate");
        await fixture.Client.CallJsonAsync("power_on", new { name });

        await fixture.Client.CallJsonAsync("migrate_vm", new { vm_name = name, target_host = "DC0_C0_H2", priority = "high" });
        Assert.Equal("DC0_C0_H2", await NameOfAsync(name, "runtime.host"));

        var result = await fixture.Client.CallJsonAsync("migrate_vm", new { vm_name = name, target_host = "DC0_H0" });
        Assert.Equal("DC0_H0", result.GetProperty("vm").GetProperty("host").GetString());
        Assert.Equal("DC0_H0", await NameOfAsync(name, "runtime.host"));
        var pool = (await fixture.ReadVmAsync(name, "resourcePool")).GetReference("resourcePool")!;
        var owner = (await fixture.VSphere.Properties.RetrieveAsync(pool, ["owner"])).GetReference("owner")!;
        Assert.Equal("DC0_H0", (await fixture.VSphere.Properties.RetrieveAsync(owner, ["name"])).GetString("name"));

        Assert.True((await fixture.Client.CallJsonAsync("migrate_vm", new { vm_name = name, target_host = "DC0_H0" })).GetProperty("already_in_state").GetBoolean());
        Assert.Contains("high", await fixture.Client.CallErrorAsync("migrate_vm", new { vm_name = name, target_host = "DC0_H0", priority = "urgent" }));
        Assert.Contains("Nothing to migrate", await fixture.Client.CallErrorAsync("migrate_vm", new { vm_name = name }));
    }

    [Fact]
    public async Task Move_vm_to_folder_changes_the_vms_parent()
    {
        var name = await fixture.CreateVmAsync("to-folder");
        var folder = fixture.UniqueName("Lab");
        var created = await fixture.Client.CallJsonAsync("create_folder", new { folder_name = folder });

        var result = await fixture.Client.CallJsonAsync("move_vm_to_folder", new { vm_name = name, folder_path = folder });

        Assert.Equal(created.GetProperty("path").GetString(), result.GetProperty("folder").GetString());
        Assert.Equal(folder, await NameOfAsync(name, "parent"));
        Assert.True((await fixture.Client.CallJsonAsync("move_vm_to_folder", new { vm_name = name, folder_path = folder })).GetProperty("already_in_state").GetBoolean());
        Assert.Contains("not of VMs", await fixture.Client.CallErrorAsync("move_vm_to_folder", new { vm_name = name, folder_path = "DC0/host" }));
    }

    [Fact]
    public async Task Move_vm_to_resource_pool_changes_the_vms_pool()
    {
        var name = await fixture.CreateVmAsync("to-pool");
        var pool = fixture.UniqueName("pool");
        await fixture.Client.CallJsonAsync("create_resource_pool", new { name = pool, parent = "DC0_C0" });

        var result = await fixture.Client.CallJsonAsync("move_vm_to_resource_pool", new { vm_name = name, pool_name = pool });

        Assert.EndsWith("/" + pool, result.GetProperty("resource_pool").GetString());
        Assert.Equal(pool, await NameOfAsync(name, "resourcePool"));
        Assert.True((await fixture.Client.CallJsonAsync("move_vm_to_resource_pool", new { vm_name = name, pool_name = pool })).GetProperty("already_in_state").GetBoolean());
    }

    private async Task<IReadOnlyList<string>> DatastoreNamesAsync(string vm)
    {
        var datastores = (await fixture.ReadVmAsync(vm, "datastore")).GetReferences("datastore");
        var names = await fixture.VSphere.Properties.RetrieveAsync(datastores, ["name"]);
        return names.Select(content => content.GetString("name")!).Order().ToArray();
    }

    /// <summary>The name of the object a VM property refers to.</summary>
    private async Task<string?> NameOfAsync(string vm, string property)
    {
        var reference = (await fixture.ReadVmAsync(vm, property)).GetReference(property)!;
        return (await fixture.VSphere.Properties.RetrieveAsync(reference, ["name"])).GetString("name");
    }
}
