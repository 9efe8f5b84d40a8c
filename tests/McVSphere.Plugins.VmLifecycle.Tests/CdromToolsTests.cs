using McVSphere.Testing;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.VmLifecycle.Tests;

public sealed class CdromToolsTests(VmLifecycleFixture fixture) : IClassFixture<VmLifecycleFixture>
{
    [Fact]
    public async Task Attaches_an_iso_adding_a_drive_when_needed_then_swaps_and_ejects_it()
    {
        var name = await fixture.CreateBareVmAsync("iso");
        Assert.Empty((await fixture.DevicesAsync(name)).OfType<VirtualCdrom>());

        var attached = await fixture.Client.CallJsonAsync("attach_iso", new { vm_name = name, iso_path = "[LocalDS_0] iso/first.iso" });
        var drive = Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualCdrom>());
        var iso = Assert.IsType<VirtualCdromIsoBackingInfo>(drive.Backing);
        Assert.Equal("[LocalDS_0] iso/first.iso", iso.FileName);
        Assert.True(drive.Connectable!.StartConnected);
        Assert.False(drive.Connectable.Connected); // powered off
        Assert.IsType<VirtualIDEController>((await fixture.DevicesAsync(name)).Single(device => device.Key == drive.ControllerKey));
        Assert.Equal("[LocalDS_0] iso/first.iso", Assert.Single(attached.GetProperty("drives").EnumerateArray()).GetProperty("iso_path").GetString());

        // A path inside the datastore given apart, on a running VM: the same drive, connected now.
        await fixture.PowerOnAsync(name);
        await fixture.Client.CallJsonAsync("attach_iso", new { vm_name = name, iso_path = "iso/second.iso", datastore = "LocalDS_0" });
        var swapped = Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualCdrom>());
        Assert.Equal(drive.Key, swapped.Key);
        Assert.Equal("[LocalDS_0] iso/second.iso", Assert.IsType<VirtualCdromIsoBackingInfo>(swapped.Backing).FileName);
        Assert.True(swapped.Connectable!.Connected);

        var ejected = await fixture.Client.CallJsonAsync("detach_iso", new { vm_name = name });
        var empty = Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualCdrom>());
        Assert.IsType<VirtualCdromRemotePassthroughBackingInfo>(empty.Backing);
        Assert.False(empty.Connectable!.Connected);
        Assert.False(empty.Connectable.StartConnected);
        var ejectedDrive = Assert.Single(ejected.GetProperty("drives").EnumerateArray());
        Assert.Equal("client_device", ejectedDrive.GetProperty("backing").GetString());
        Assert.False(ejectedDrive.TryGetProperty("iso_path", out _));

        var again = await fixture.Client.CallJsonAsync("detach_iso", new { vm_name = name });
        Assert.Equal("client_device", Assert.Single(again.GetProperty("drives").EnumerateArray()).GetProperty("backing").GetString());
    }

    [Fact]
    public async Task Swaps_and_ejects_past_a_tray_the_guest_has_locked_answering_vSpheres_question()
    {
        var name = await fixture.CreateBareVmAsync("iso-locked");
        await fixture.PowerOnAsync(name);
        await fixture.Client.CallJsonAsync("attach_iso", new { vm_name = name, iso_path = "[LocalDS_0] iso/first.iso" });
        Assert.True(Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualCdrom>()).Connectable!.Connected);
        // The test bed's hook: taking the media out of the drive now asks msg.cdromdisconnect.locked and waits.
        await fixture.VSphere.ReconfigureVmAsync(await fixture.FindVmAsync(name), new VirtualMachineConfigSpec
        {
            ExtraConfig = [new OptionValue("vcsim.cdromLocked", "true")],
        });

        await fixture.Client.CallJsonAsync("attach_iso", new { vm_name = name, iso_path = "[LocalDS_0] iso/second.iso" });
        var swapped = Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualCdrom>());
        Assert.Equal("[LocalDS_0] iso/second.iso", Assert.IsType<VirtualCdromIsoBackingInfo>(swapped.Backing).FileName);

        await fixture.Client.CallJsonAsync("detach_iso", new { vm_name = name });
        var empty = Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualCdrom>());
        Assert.IsType<VirtualCdromRemotePassthroughBackingInfo>(empty.Backing);
        Assert.False(empty.Connectable!.Connected);
        Assert.Null((await fixture.ReadVmAsync(name, "runtime.question"))["runtime.question"]);
    }

    [Fact]
    public async Task A_bare_iso_path_is_on_the_vms_own_datastore()
    {
        var name = await fixture.CreateBareVmAsync("iso-home");
        var home = (await fixture.ReadVmAsync(name, "config.files.vmPathName")).GetString("config.files.vmPathName");
        Assert.True(DatastorePath.TryParse(home, out var homePath));

        await fixture.Client.CallJsonAsync("attach_iso", new { vm_name = name, iso_path = "iso/x.iso" });

        var drive = Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualCdrom>());
        Assert.Equal($"[{homePath.Datastore}] iso/x.iso", Assert.IsType<VirtualCdromIsoBackingInfo>(drive.Backing).FileName);
    }

    [Fact]
    public async Task Refuses_iso_paths_on_unknown_or_conflicting_datastores()
    {
        var name = await fixture.CreateBareVmAsync("iso-errors");

        var conflicting = await fixture.Client.CallErrorAsync("attach_iso", new { vm_name = name, iso_path = "[LocalDS_0] iso/x.iso", datastore = "Other" });
        Assert.Contains("'Other'", conflicting, StringComparison.Ordinal);
        var unknown = await fixture.Client.CallErrorAsync("attach_iso", new { vm_name = name, iso_path = "[LocalDS_9] iso/x.iso" });
        Assert.Contains("LocalDS_0", unknown, StringComparison.Ordinal);
        var noFile = await fixture.Client.CallErrorAsync("attach_iso", new { vm_name = name, iso_path = "[LocalDS_0]" });
        Assert.Contains("iso_path", noFile, StringComparison.Ordinal);

        Assert.Empty((await fixture.DevicesAsync(name)).OfType<VirtualCdrom>());
    }

    [Theory]
    [InlineData("[LocalDS_0] ../../../../etc/os-release", null)]
    [InlineData("../iso/x.iso", "LocalDS_0")]
    [InlineData("/iso/x.iso", "LocalDS_0")]
    [InlineData("iso/%2e%2e/x.iso", "LocalDS_0")]
    public async Task Refuses_iso_paths_that_leave_the_datastore(string isoPath, string? datastore)
    {
        var name = await fixture.CreateBareVmAsync("iso-climb");

        var error = await fixture.Client.CallErrorAsync("attach_iso", new { vm_name = name, iso_path = isoPath, datastore });

        Assert.Contains($"iso_path '{isoPath}'", error, StringComparison.Ordinal);
        Assert.Contains("inside the datastore", error, StringComparison.Ordinal);
        Assert.Empty((await fixture.DevicesAsync(name)).OfType<VirtualCdrom>());
    }
}
