using McVSphere.VSphere.Lookup;

namespace McVSphere.Plugins.VmLifecycle.Tests;

public sealed class FolderAndPoolToolsTests(VmLifecycleFixture fixture) : IClassFixture<VmLifecycleFixture>
{
    [Fact]
    public async Task Create_folder_makes_folders_at_the_top_and_inside_others()
    {
        var top = fixture.UniqueName("Projects");
        var created = await fixture.Client.CallJsonAsync("create_folder", new { folder_name = top });
        Assert.Equal($"DC0/vm/{top}", created.GetProperty("path").GetString());

        var nested = await fixture.Client.CallJsonAsync("create_folder", new { folder_name = "Web", parent_path = $"DC0/vm/{top}" });
        Assert.Equal($"DC0/vm/{top}/Web", nested.GetProperty("path").GetString());
        var folder = await fixture.VSphere.Lookup.FindByPathAsync(VSphereObjectKind.Folder, $"DC0/vm/{top}/Web");
        Assert.Equal("Web", folder.Name);

        Assert.Contains("DuplicateName", await fixture.Client.CallErrorAsync("create_folder", new { folder_name = "Web", parent_path = $"DC0/vm/{top}" }));
        Assert.Contains("not of VMs", await fixture.Client.CallErrorAsync("create_folder", new { folder_name = "x", parent_path = "DC0/datastore" }));
    }

    [Fact]
    public async Task Delete_folder_refuses_a_folder_with_contents_unless_forced()
    {
        var empty = fixture.UniqueName("Empty");
        await fixture.Client.CallJsonAsync("create_folder", new { folder_name = empty });
        Assert.True((await fixture.Client.CallJsonAsync("delete_folder", new { folder_path = empty })).GetProperty("deleted").GetBoolean());
        Assert.False(await FolderExistsAsync(empty));

        var full = fixture.UniqueName("Full");
        await fixture.Client.CallJsonAsync("create_folder", new { folder_name = full });
        var vm = await fixture.CreateVmAsync("in-folder");
        await fixture.Client.CallJsonAsync("move_vm_to_folder", new { vm_name = vm, folder_path = full });

        var refusal = await fixture.Client.CallErrorAsync("delete_folder", new { folder_path = full });
        Assert.Contains(vm, refusal);
        Assert.Contains("force", refusal);
        Assert.True(await FolderExistsAsync(full));

        await fixture.Client.CallJsonAsync("delete_folder", new { folder_path = full, force = true, confirm = true });
        Assert.False(await FolderExistsAsync(full));
        Assert.Contains("does not delete", await fixture.Client.CallErrorAsync("delete_folder", new { folder_path = "DC0/vm" }));
    }

    [Fact]
    public async Task Create_resource_pool_applies_the_allocation_given()
    {
        var name = fixture.UniqueName("rp");

        var result = await fixture.Client.CallJsonAsync("create_resource_pool", new
        {
            name, parent = "DC0_C0", cpu_reservation_mhz = 500, cpu_limit_mhz = 2000, memory_reservation_mb = 256, memory_shares = "high", cpu_shares = "3000",
        });

        Assert.Equal($"DC0/host/DC0_C0/Resources/{name}", result.GetProperty("path").GetString());
        var pool = await fixture.VSphere.Lookup.FindAsync(VSphereObjectKind.ResourcePool, name);
        var config = await fixture.VSphere.Properties.RetrieveAsync(pool.Ref, ["config.cpuAllocation", "config.memoryAllocation"]);
        var cpu = new ResourceAllocationInfo(config.GetObject("config.cpuAllocation")!);
        var memory = new ResourceAllocationInfo(config.GetObject("config.memoryAllocation")!);
        Assert.Equal(500, cpu.Reservation);
        Assert.Equal(2000, cpu.Limit);
        Assert.Equal(SharesLevel.Custom, cpu.Shares!.Level);
        Assert.Equal(3000, cpu.Shares.Shares);
        Assert.Equal(256, memory.Reservation);
        Assert.Equal(-1, memory.Limit);
        Assert.Equal(SharesLevel.High, memory.Shares!.Level);

        Assert.Contains("DuplicateName", await fixture.Client.CallErrorAsync("create_resource_pool", new { name, parent = "DC0_C0" }));
        Assert.Contains("cpu_shares", await fixture.Client.CallErrorAsync("create_resource_pool", new { name = "x", cpu_shares = "lots" }));
        Assert.Contains("memory_limit_mb", await fixture.Client.CallErrorAsync("create_resource_pool", new { name = "x", memory_reservation_mb = 512, memory_limit_mb = 100 }));
    }

    [Fact]
    public async Task Delete_resource_pool_moves_its_vms_to_the_parent_and_refuses_a_root_pool()
    {
        var name = fixture.UniqueName("doomed");
        await fixture.Client.CallJsonAsync("create_resource_pool", new { name });
        var vm = await fixture.CreateVmAsync("pool-member");
        await fixture.Client.CallJsonAsync("move_vm_to_resource_pool", new { vm_name = vm, pool_name = name });

        var result = await fixture.Client.CallJsonAsync("delete_resource_pool", new { name });

        Assert.Equal([vm], result.GetProperty("vms_moved_to_parent").EnumerateArray().Select(item => item.GetString()));
        var pools = await fixture.VSphere.Lookup.ListAsync(VSphereObjectKind.ResourcePool);
        Assert.DoesNotContain(pools, pool => pool.Name == name);
        var vmPool = (await fixture.ReadVmAsync(vm, "resourcePool")).GetReference("resourcePool")!;
        Assert.Equal("DC0/host/DC0_C0/Resources", pools.Single(pool => pool.Ref == vmPool).Path);

        Assert.Contains("root resource pool", await fixture.Client.CallErrorAsync("delete_resource_pool", new { name = "DC0/host/DC0_C0/Resources" }));
    }

    private async Task<bool> FolderExistsAsync(string name) =>
        (await fixture.VSphere.Lookup.ListAsync(VSphereObjectKind.Folder)).Any(folder => folder.Name == name);
}
