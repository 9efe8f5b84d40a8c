using System.Text.Json;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Properties;

namespace McVSphere.Plugins.VmLifecycle.Tests;

public sealed class VmToolsTests(VmLifecycleFixture fixture) : IClassFixture<VmLifecycleFixture>
{
    [Fact]
    public async Task Create_vm_builds_a_controller_a_thin_disk_and_a_nic_on_the_default_network()
    {
        var name = fixture.UniqueName("created");

        var result = await fixture.Client.CallJsonAsync("create_vm", new { name, cpu = 2, memory_mb = 1024, disk_gb = 3, guest_id = "ubuntu64Guest" });

        var vm = result.GetProperty("vm");
        Assert.Equal(name, vm.GetProperty("name").GetString());
        Assert.Equal("poweredOff", vm.GetProperty("power_state").GetString());
        Assert.Equal("VM Network", Assert.Single(result.GetProperty("nics").EnumerateArray()).GetProperty("network").GetString());

        var content = await fixture.ReadVmAsync(name, "config.hardware.device", "config.hardware.numCPU", "config.hardware.memoryMB",
            "config.guestId", "config.files.vmPathName", "datastore");
        Assert.Equal(2, content.GetInt32("config.hardware.numCPU"));
        Assert.Equal(1024, content.GetInt32("config.hardware.memoryMB"));
        Assert.Equal("ubuntu64Guest", content.GetString("config.guestId"));
        Assert.StartsWith("[LocalDS_", content.GetString("config.files.vmPathName"));
        var devices = VirtualDevice.ListFrom(content["config.hardware.device"]);
        var controller = Assert.Single(devices.OfType<ParaVirtualSCSIController>());
        var disk = Assert.Single(devices.OfType<VirtualDisk>());
        Assert.Equal(controller.Key, disk.ControllerKey);
        Assert.Equal(3L * 1024 * 1024, disk.CapacityInKB);
        Assert.True(disk.FlatBacking?.ThinProvisioned);
        var nic = Assert.Single(devices.OfType<VirtualVmxnet3>());
        Assert.Equal("VM Network", Assert.IsType<VirtualEthernetCardNetworkBackingInfo>(nic.Backing).DeviceName);
    }

    [Fact]
    public async Task Create_vm_puts_the_vm_on_the_named_datastore_and_network()
    {
        var name = fixture.UniqueName("placed");

        await fixture.Client.CallJsonAsync("create_vm", new { name, cpu = 1, memory_mb = 256, disk_gb = 1, datastore = "LocalDS_1", network = "DC0_DVPG0" });

        var content = await fixture.ReadVmAsync(name, "config.files.vmPathName", "config.hardware.device");
        Assert.StartsWith("[LocalDS_1]", content.GetString("config.files.vmPathName"));
        var nic = Assert.Single(VirtualDevice.ListFrom(content["config.hardware.device"]).OfType<VirtualEthernetCard>());
        Assert.IsType<VirtualEthernetCardDistributedVirtualPortBackingInfo>(nic.Backing);
    }

    [Fact]
    public async Task Create_vm_refuses_bad_arguments_naming_them_and_what_exists()
    {
        var taken = await fixture.CreateVmAsync("taken");
        Assert.Contains("already exists", await fixture.Client.CallErrorAsync("create_vm", new { name = taken }));
        Assert.Contains("cpu", await fixture.Client.CallErrorAsync("create_vm", new { name = "x-cpu", cpu = 0 }));
        Assert.Contains("multiple of 4", await fixture.Client.CallErrorAsync("create_vm", new { name = "x-mem", memory_mb = 1001 }));
        Assert.Contains("disk_gb", await fixture.Client.CallErrorAsync("create_vm", new { name = "x-disk", disk_gb = 0 }));
        Assert.Contains("'/'", await fixture.Client.CallErrorAsync("create_vm", new { name = "a/b" }));

        var datastore = await fixture.Client.CallErrorAsync("create_vm", new { name = "x-ds", datastore = "NoSuchDS" });
        Assert.Contains("LocalDS_0", datastore);
        var network = await fixture.Client.CallErrorAsync("create_vm", new { name = "x-net", network = "No Such Net" });
        Assert.Contains("VM Network", network);
        Assert.False(await ExistsAsync("x-ds"));
    }

    [Fact]
    public async Task Clone_vm_creates_a_vm_beside_the_source_and_powers_it_on_when_asked()
    {
        var source = await fixture.CreateVmAsync("clone-source");
        var clone = fixture.UniqueName("clone");

        var result = await fixture.Client.CallJsonAsync("clone_vm", new { template_name = source, new_name = clone, power_on = true });

        Assert.Equal(source, result.GetProperty("source").GetString());
        Assert.Equal("poweredOn", result.GetProperty("vm").GetProperty("power_state").GetString());
        var sourcePool = (await fixture.ReadVmAsync(source, "resourcePool")).GetReference("resourcePool");
        var cloned = await fixture.ReadVmAsync(clone, "runtime.powerState", "resourcePool");
        Assert.Equal("poweredOn", cloned.GetString("runtime.powerState"));
        Assert.Equal(sourcePool, cloned.GetReference("resourcePool"));

        Assert.Contains("already exists", await fixture.Client.CallErrorAsync("clone_vm", new { template_name = source, new_name = clone }));
        Assert.Contains("Did you mean", await fixture.Client.CallErrorAsync("clone_vm", new { template_name = source + "x", new_name = "y" }));
    }

    [Fact]
    public async Task Delete_vm_powers_a_running_vm_off_first_unless_told_not_to()
    {
        var name = await fixture.CreateVmAsync("delete");
        await fixture.Client.CallJsonAsync("power_on", new { name });

        var refusal = await fixture.Client.CallErrorAsync("delete_vm", new { name, force = false, confirm = true });
        Assert.Contains("force=false", refusal);
        Assert.True(await ExistsAsync(name));

        // As in the original, the default powers it off first; the confirmation covers it.
        Assert.Contains("confirm=true", await fixture.Client.CallErrorAsync("delete_vm", new { name }));
        var result = await fixture.Client.CallJsonAsync("delete_vm", new { name, confirm = true });
        Assert.True(result.GetProperty("powered_off_first").GetBoolean());
        Assert.False(await ExistsAsync(name));
    }

    [Fact]
    public async Task Delete_vm_deletes_a_powered_off_vm_once_confirmed()
    {
        var name = await fixture.CreateVmAsync("delete-off");
        Assert.Contains("confirm=true", await fixture.Client.CallErrorAsync("delete_vm", new { name }));
        Assert.True(await ExistsAsync(name));

        var result = await fixture.Client.CallJsonAsync("delete_vm", new { name, confirm = true });

        Assert.True(result.GetProperty("deleted").GetBoolean());
        Assert.False(await ExistsAsync(name));
    }

    [Fact]
    public async Task Reconfigure_vm_changes_what_is_given_and_says_when_nothing_changes()
    {
        var name = await fixture.CreateVmAsync("reconfigure");

        var result = await fixture.Client.CallJsonAsync("reconfigure_vm", new { name, cpu = 4, memory_mb = 2048, annotation = "web tier" });

        Assert.Equal(3, result.GetProperty("changes").GetArrayLength());
        var content = await fixture.ReadVmAsync(name, "config.hardware.numCPU", "config.hardware.memoryMB", "config.annotation");
        Assert.Equal(4, content.GetInt32("config.hardware.numCPU"));
        Assert.Equal(2048, content.GetInt32("config.hardware.memoryMB"));
        Assert.Equal("web tier", content.GetString("config.annotation"));

        var again = await fixture.Client.CallJsonAsync("reconfigure_vm", new { name, cpu = 4 });
        Assert.True(again.GetProperty("already_in_state").GetBoolean());
        Assert.Contains("Nothing to change", await fixture.Client.CallErrorAsync("reconfigure_vm", new { name }));
        Assert.Contains("multiple of 4", await fixture.Client.CallErrorAsync("reconfigure_vm", new { name, memory_mb = 6 }));
    }

    [Fact]
    public async Task Rename_vm_renames_and_refuses_a_taken_name()
    {
        var name = await fixture.CreateVmAsync("rename");
        var other = await fixture.CreateVmAsync("rename-other");
        var newName = fixture.UniqueName("renamed");

        var result = await fixture.Client.CallJsonAsync("rename_vm", new { name, new_name = newName });

        Assert.Equal(newName, result.GetProperty("vm").GetProperty("name").GetString());
        Assert.Equal(newName, (await fixture.ReadVmAsync(newName, "name")).GetString("name"));
        Assert.False(await ExistsAsync(name));
        Assert.Contains("already exists", await fixture.Client.CallErrorAsync("rename_vm", new { name = newName, new_name = other }));
        Assert.True((await fixture.Client.CallJsonAsync("rename_vm", new { name = newName, new_name = newName })).GetProperty("already_in_state").GetBoolean());
    }

    private async Task<bool> ExistsAsync(string name)
    {
        var vms = await fixture.VSphere.Lookup.ListAsync(VSphereObjectKind.VirtualMachine);
        return vms.Any(vm => vm.Name == name);
    }
}
