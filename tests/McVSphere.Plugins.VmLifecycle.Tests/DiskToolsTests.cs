using System.Text.Json;
using McVSphere.Testing;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McVSphere.Plugins.VmLifecycle.Tests;

public sealed class DiskToolsTests(VmLifecycleFixture fixture) : IClassFixture<VmLifecycleFixture>
{
    private const long KbPerGb = 1024 * 1024;

    [Fact]
    public async Task Lists_and_describes_the_disks_vsphere_reports()
    {
        var name = await fixture.CreateVmAsync("disks-list");
        var disk = Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualDisk>());

        var listed = Assert.Single((await fixture.Client.CallJsonAsync("list_disks", new { vm_name = name })).GetProperty("disks").EnumerateArray());
        Assert.Equal(disk.DeviceInfo!.Label, listed.GetProperty("label").GetString());
        Assert.Equal(disk.CapacityInKB, listed.GetProperty("capacity_kb").GetInt64());
        Assert.Equal(disk.FlatBacking!.FileName, listed.GetProperty("file").GetString());
        Assert.Equal("LocalDS_0", listed.GetProperty("datastore").GetString());
        Assert.Equal("thin", listed.GetProperty("provisioning").GetString());
        Assert.True(listed.GetProperty("thin_provisioned").GetBoolean());
        Assert.Equal(disk.FlatBacking.DiskMode, listed.GetProperty("mode").GetString());
        Assert.Equal(Math.Round(disk.CapacityInKB / (double)KbPerGb, 2), listed.GetProperty("size_gb").GetDouble());
        Assert.Equal(disk.UnitNumber, listed.GetProperty("unit_number").GetInt32());

        var info = await fixture.Client.CallJsonAsync("get_disk_info", new { vm_name = name, disk_label = disk.DeviceInfo.Label });
        Assert.Equal(disk.DeviceInfo.Label, info.GetProperty("disk").GetProperty("label").GetString());
        Assert.Contains(info.GetProperty("files").EnumerateArray(), file => file.GetProperty("name").GetString()!.EndsWith(".vmdk", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Adds_thin_and_thick_disks_on_free_units_skipping_the_controller_unit()
    {
        var name = await fixture.CreateVmAsync("disks-add");
        var firstUnit = Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualDisk>()).UnitNumber;
        Assert.Equal(0, firstUnit);

        var thin = await fixture.Client.CallJsonAsync("add_disk", new { vm_name = name, size_gb = 2 });
        var thick = await fixture.Client.CallJsonAsync("add_disk", new { vm_name = name, size_gb = 3, thin_provisioned = false });
        Assert.Equal(3, thick.GetProperty("disks").GetArrayLength());

        var disks = (await fixture.DevicesAsync(name)).OfType<VirtualDisk>().ToDictionary(disk => disk.DeviceInfo!.Label);
        var addedThin = disks[thin.GetProperty("disk").GetProperty("label").GetString()!];
        var addedThick = disks[thick.GetProperty("disk").GetProperty("label").GetString()!];
        Assert.Equal(2 * KbPerGb, addedThin.CapacityInKB);
        Assert.True(addedThin.FlatBacking!.ThinProvisioned);
        Assert.Equal(3 * KbPerGb, addedThick.CapacityInKB);
        Assert.False(addedThick.FlatBacking!.ThinProvisioned);
        Assert.Equal("thick_lazy_zeroed", thick.GetProperty("disk").GetProperty("provisioning").GetString());

        // Units 1 and 2 now; four more fill 3 to 6, and the next skips 7, the SCSI controller's own unit.
        for (var i = 0; i < 4; i++)
        {
            await fixture.Client.CallJsonAsync("add_disk", new { vm_name = name, size_gb = 1 });
        }
        var eighth = await fixture.Client.CallJsonAsync("add_disk", new { vm_name = name, size_gb = 1 });
        Assert.Equal(8, eighth.GetProperty("disk").GetProperty("unit_number").GetInt32());
        var units = (await fixture.DevicesAsync(name)).OfType<VirtualDisk>().Select(disk => disk.UnitNumber!.Value).Order().ToArray();
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 8], units);
    }

    [Fact]
    public async Task Adds_a_scsi_controller_to_a_vm_without_one()
    {
        var name = await fixture.CreateBareVmAsync("disks-bare");
        Assert.Empty((await fixture.DevicesAsync(name)).OfType<VirtualSCSIController>());

        var added = await fixture.Client.CallJsonAsync("add_disk", new { vm_name = name, size_gb = 1, datastore = "LocalDS_0" });

        var devices = await fixture.DevicesAsync(name);
        var controller = Assert.Single(devices.OfType<VirtualSCSIController>());
        var disk = Assert.Single(devices.OfType<VirtualDisk>());
        Assert.Equal(controller.Key, disk.ControllerKey);
        Assert.Equal(0, disk.UnitNumber);
        Assert.Equal(controller.DeviceInfo!.Label, added.GetProperty("disk").GetProperty("controller").GetString());
        Assert.StartsWith("[LocalDS_0]", disk.FlatBacking!.FileName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removes_a_disk_keeping_or_deleting_its_file()
    {
        var name = await fixture.CreateVmAsync("disks-remove");
        var kept = (await fixture.Client.CallJsonAsync("add_disk", new { vm_name = name, size_gb = 1 })).GetProperty("disk");
        var deleted = (await fixture.Client.CallJsonAsync("add_disk", new { vm_name = name, size_gb = 1 })).GetProperty("disk");
        var keptFile = kept.GetProperty("file").GetString()!;
        var deletedFile = deleted.GetProperty("file").GetString()!;
        Assert.True(await fixture.DatastoreFileExistsAsync(keptFile));
        Assert.True(await fixture.DatastoreFileExistsAsync(deletedFile));

        // The later disk first: removing a disk renumbers the labels of those added after it.
        var deletedLabel = deleted.GetProperty("label").GetString();
        // Deleting the file destroys data: the host asks first (a client without elicitation must send confirm=true).
        var unconfirmed = await fixture.Client.CallErrorAsync("remove_disk", new { vm_name = name, disk_label = deletedLabel, delete_file = true });
        Assert.Contains("confirm=true", unconfirmed);
        Assert.True(await fixture.DatastoreFileExistsAsync(deletedFile));
        var afterDelete = await fixture.Client.CallJsonAsync("remove_disk", new { vm_name = name, disk_label = deletedLabel, delete_file = true, confirm = true });
        Assert.True(afterDelete.GetProperty("file_deleted").GetBoolean());
        var afterKeep = await fixture.Client.CallJsonAsync("remove_disk", new { vm_name = name, disk_label = kept.GetProperty("label").GetString() });
        Assert.False(afterKeep.GetProperty("file_deleted").GetBoolean());

        var remaining = (await fixture.DevicesAsync(name)).OfType<VirtualDisk>().Select(disk => disk.FlatBacking!.FileName).ToArray();
        Assert.Single(remaining);
        Assert.DoesNotContain(keptFile, remaining);
        Assert.DoesNotContain(deletedFile, remaining);
        Assert.True(await fixture.DatastoreFileExistsAsync(keptFile));
        Assert.False(await fixture.DatastoreFileExistsAsync(deletedFile));
    }

    [Fact]
    public async Task Extends_a_disk_and_refuses_to_shrink_it_or_keep_its_size()
    {
        var name = await fixture.CreateVmAsync("disks-extend");
        var label = Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualDisk>()).DeviceInfo!.Label;

        var extended = await fixture.Client.CallJsonAsync("extend_disk", new { vm_name = name, disk_label = label, new_size_gb = 5 });
        Assert.Equal(1, extended.GetProperty("previous_capacity_gb").GetDouble());
        Assert.Equal(5, extended.GetProperty("disk").GetProperty("size_gb").GetDouble());
        Assert.Equal(5 * KbPerGb, Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualDisk>()).CapacityInKB);

        var shrink = await fixture.Client.CallErrorAsync("extend_disk", new { vm_name = name, disk_label = label, new_size_gb = 2 });
        Assert.Contains("new_size_gb", shrink, StringComparison.Ordinal);
        Assert.Contains("5 GB", shrink, StringComparison.Ordinal);
        Assert.Contains("only grow", shrink, StringComparison.Ordinal);
        var same = await fixture.Client.CallErrorAsync("extend_disk", new { vm_name = name, disk_label = label, new_size_gb = 5 });
        Assert.Contains("must be larger", same, StringComparison.Ordinal);
        Assert.Equal(5 * KbPerGb, Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualDisk>()).CapacityInKB);
    }

    [Fact]
    public async Task Answers_an_unknown_label_with_the_labels_that_exist_and_bad_sizes_with_the_range()
    {
        var name = await fixture.CreateVmAsync("disks-errors");
        var label = Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualDisk>()).DeviceInfo!.Label;

        var unknown = await fixture.Client.CallErrorAsync("get_disk_info", new { vm_name = name, disk_label = "Hard disk 9" });
        Assert.Contains("Hard disk 9", unknown, StringComparison.Ordinal);
        Assert.Contains(label, unknown, StringComparison.Ordinal);
        var removeUnknown = await fixture.Client.CallErrorAsync("remove_disk", new { vm_name = name, disk_label = "nope" });
        Assert.Contains(label, removeUnknown, StringComparison.Ordinal);

        var zero = await fixture.Client.CallErrorAsync("add_disk", new { vm_name = name, size_gb = 0 });
        Assert.Contains("size_gb", zero, StringComparison.Ordinal);
        var noDatastore = await fixture.Client.CallErrorAsync("add_disk", new { vm_name = name, size_gb = 1, datastore = "LocalDS_9" });
        Assert.Contains("LocalDS_0", noDatastore, StringComparison.Ordinal);
        var noVm = await fixture.Client.CallErrorAsync("list_disks", new { vm_name = name + "x" });
        Assert.Contains(name, noVm, StringComparison.Ordinal);
        Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualDisk>());
    }

    [Fact]
    public async Task Reports_progress_of_a_slow_reconfiguration_and_cancels_it_with_the_request()
    {
        var name = await fixture.CreateVmAsync("disks-slow");
        await fixture.SetSlowCancelableTasksAsync(name, TimeSpan.FromSeconds(1.5));

        var updates = new List<ProgressNotificationValue>();
        var progress = new SynchronousProgress(update => { lock (updates) { updates.Add(update); } });
        await fixture.Client.CallJsonAsync("add_disk", new { vm_name = name, size_gb = 1 }, progress);
        Assert.Equal(2, (await fixture.DevicesAsync(name)).OfType<VirtualDisk>().Count());
        lock (updates)
        {
            Assert.NotEmpty(updates);
            Assert.All(updates, update => Assert.InRange(update.Progress, 0, 100));
        }

        var answer = await fixture.Client.CallAndCancelAsync("add_disk", new { vm_name = name, size_gb = 1 });
        Assert.IsNotType<JsonRpcResponse>(answer);
        // The server follows the task to its end after cancelling it, and logs (and audits) how it ended.
        await fixture.WaitForHostLogAsync(line => line.Contains("the task was cancelled", StringComparison.Ordinal), "the cancelled reconfiguration");
        Assert.Equal(2, (await fixture.DevicesAsync(name)).OfType<VirtualDisk>().Count());
    }

    /// <summary>Reports on the caller's thread, so that no update is lost to a late callback.</summary>
    private sealed class SynchronousProgress(Action<ProgressNotificationValue> report) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) => report(value);
    }
}
