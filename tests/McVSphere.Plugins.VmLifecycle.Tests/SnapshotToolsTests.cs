namespace McVSphere.Plugins.VmLifecycle.Tests;

public sealed class SnapshotToolsTests(VmLifecycleFixture fixture) : IClassFixture<VmLifecycleFixture>
{
    [Fact]
    public async Task Create_snapshot_builds_the_tree_that_list_snapshots_and_vsphere_show()
    {
        var name = await fixture.CreateVmAsync("snap-tree");
        await fixture.Client.CallJsonAsync("power_on", new { name });

        // Memory is included by default (as in the original and the vSphere Client), so the first snapshot resumes running.
        var first = await fixture.Client.CallJsonAsync("create_snapshot", new { name, snapshot_name = "base", description = "clean install" });
        await fixture.Client.CallJsonAsync("create_snapshot", new { name, snapshot_name = "patched", memory = false });

        Assert.Equal("poweredOn", first.GetProperty("snapshot").GetProperty("state").GetString());
        var list = await fixture.Client.CallJsonAsync("list_snapshots", new { name });
        Assert.Equal(2, list.GetProperty("count").GetInt32());
        Assert.Equal("base/patched", list.GetProperty("current_snapshot").GetString());
        var root = Assert.Single(list.GetProperty("snapshots").EnumerateArray());
        Assert.Equal("clean install", root.GetProperty("description").GetString());
        var child = Assert.Single(root.GetProperty("children").EnumerateArray());
        Assert.Equal("poweredOff", child.GetProperty("state").GetString());
        Assert.True(child.GetProperty("is_current").GetBoolean());

        var tree = await fixture.VSphere.GetSnapshotsAsync(await fixture.FindVmAsync(name));
        var vsphereRoot = Assert.Single(tree!.RootSnapshotList);
        Assert.Equal("base", vsphereRoot.Name);
        Assert.Equal("patched", Assert.Single(vsphereRoot.Children).Name);
        Assert.Equal(vsphereRoot.Children[0].Snapshot, tree.CurrentSnapshot);
    }

    [Fact]
    public async Task Revert_to_snapshot_restores_the_configuration_and_moves_the_current_snapshot()
    {
        var name = await fixture.CreateVmAsync("snap-revert");
        await fixture.Client.CallJsonAsync("create_snapshot", new { name, snapshot_name = "one-cpu" });
        await fixture.Client.CallJsonAsync("reconfigure_vm", new { name, cpu = 3 });
        await fixture.Client.CallJsonAsync("create_snapshot", new { name, snapshot_name = "three-cpus" });

        var reverted = await fixture.Client.CallJsonAsync("revert_to_snapshot", new { name, snapshot_name = "one-cpu", confirm = true });

        Assert.Equal("one-cpu", reverted.GetProperty("current_snapshot").GetString());
        var content = await fixture.ReadVmAsync(name, "config.hardware.numCPU", "snapshot");
        Assert.Equal(1, content.GetInt32("config.hardware.numCPU"));
        var tree = VirtualMachineSnapshotInfo.From(content["snapshot"])!;
        Assert.Equal(tree.RootSnapshotList[0].Snapshot, tree.CurrentSnapshot);

        await fixture.Client.CallJsonAsync("reconfigure_vm", new { name, cpu = 2 });
        await fixture.Client.CallJsonAsync("revert_to_current_snapshot", new { name, confirm = true });
        Assert.Equal(1, (await fixture.ReadVmAsync(name, "config.hardware.numCPU")).GetInt32("config.hardware.numCPU"));
    }

    [Fact]
    public async Task Revert_of_a_vm_without_snapshots_and_unknown_snapshot_names_are_refused_with_what_exists()
    {
        var name = await fixture.CreateVmAsync("snap-none");
        Assert.Contains("no current snapshot", await fixture.Client.CallErrorAsync("revert_to_current_snapshot", new { name, confirm = true }));
        Assert.Contains("no snapshots", await fixture.Client.CallErrorAsync("revert_to_snapshot", new { name, snapshot_name = "x", confirm = true }));

        await fixture.Client.CallJsonAsync("create_snapshot", new { name, snapshot_name = "a" });
        await fixture.Client.CallJsonAsync("create_snapshot", new { name, snapshot_name = "a" });
        var unknown = await fixture.Client.CallErrorAsync("revert_to_snapshot", new { name, snapshot_name = "b", confirm = true });
        Assert.Contains("a/a", unknown);
        var ambiguous = await fixture.Client.CallErrorAsync("revert_to_snapshot", new { name, snapshot_name = "a", confirm = true });
        Assert.Contains("2 snapshots", ambiguous);

        var byPath = await fixture.Client.CallJsonAsync("revert_to_snapshot", new { name, snapshot_name = "a/a", confirm = true });
        Assert.Equal("a/a", byPath.GetProperty("current_snapshot_path").GetString());
    }

    [Fact]
    public async Task Rename_snapshot_changes_the_name_and_description_in_the_tree()
    {
        var name = await fixture.CreateVmAsync("snap-rename");
        await fixture.Client.CallJsonAsync("create_snapshot", new { name, snapshot_name = "before" });

        var result = await fixture.Client.CallJsonAsync("rename_snapshot", new { name, snapshot_name = "before", new_name = "after", new_description = "renamed" });

        Assert.Equal("before", result.GetProperty("previous_name").GetString());
        var node = Assert.Single((await fixture.VSphere.GetSnapshotsAsync(await fixture.FindVmAsync(name)))!.RootSnapshotList);
        Assert.Equal("after", node.Name);
        Assert.Equal("renamed", node.Description);
        Assert.Contains("Nothing to change", await fixture.Client.CallErrorAsync("rename_snapshot", new { name, snapshot_name = "after" }));
    }

    [Fact]
    public async Task Delete_snapshot_removes_one_or_a_subtree_and_delete_all_empties_the_tree()
    {
        var name = await fixture.CreateVmAsync("snap-delete");
        foreach (var snapshot in new[] { "s1", "s2", "s3" })
        {
            await fixture.Client.CallJsonAsync("create_snapshot", new { name, snapshot_name = snapshot });
        }

        var one = await fixture.Client.CallJsonAsync("delete_snapshot", new { name, snapshot_name = "s1", confirm = true });
        Assert.Equal("s1", Assert.Single(one.GetProperty("deleted").EnumerateArray()).GetString());
        var afterOne = (await fixture.VSphere.GetSnapshotsAsync(await fixture.FindVmAsync(name)))!;
        Assert.Equal(["s2", "s3"], afterOne.Flatten().Select(node => node.Name));

        var subtree = await fixture.Client.CallJsonAsync("delete_snapshot", new { name, snapshot_name = "s2", remove_children = true, confirm = true });
        Assert.Equal(2, subtree.GetProperty("deleted").GetArrayLength());
        Assert.Null(await fixture.VSphere.GetSnapshotsAsync(await fixture.FindVmAsync(name)));

        await fixture.Client.CallJsonAsync("create_snapshot", new { name, snapshot_name = "s4" });
        var all = await fixture.Client.CallJsonAsync("delete_all_snapshots", new { name, confirm = true });
        Assert.Equal(0, all.GetProperty("remaining").GetInt32());
        Assert.Null(await fixture.VSphere.GetSnapshotsAsync(await fixture.FindVmAsync(name)));
        Assert.True((await fixture.Client.CallJsonAsync("delete_all_snapshots", new { name, confirm = true })).GetProperty("already_in_state").GetBoolean());
    }
}
