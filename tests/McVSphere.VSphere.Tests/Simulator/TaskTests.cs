using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Tasks;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Tests.Simulator;

public sealed class TaskTests(TwoDatacenterSimulator fixture) : IClassFixture<TwoDatacenterSimulator>
{
    [Fact]
    public async Task A_task_reports_progress_and_returns_its_result()
    {
        await using var client = TestClients.Create(fixture.Simulator);
        var vm = (await client.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "DC0_H0_VM0")).Ref;
        var progress = new RecordingProgress();

        var snapshot = await client.InvokeTaskAsync("CreateSnapshot_Task", vm,
            [new("name", "before-upgrade"), new("description", "test"), new("memory", false), new("quiesce", false)], progress);

        Assert.Equal("VirtualMachineSnapshot", snapshot?.AsReference().Type);
        Assert.Equal(100, progress.Reports[^1].Percent);
        var tree = await client.GetSnapshotsAsync(vm);
        Assert.Equal(snapshot, tree?.CurrentSnapshot);
        Assert.Contains(tree!.Flatten(), node => node.Name == "before-upgrade" && node.Description == "test");
    }

    [Fact]
    public async Task Snapshot_tasks_are_waited_for_and_listed()
    {
        await using var client = TestClients.Create(fixture.Simulator);
        var vm = (await client.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "DC0_H0_VM1")).Ref;
        var first = await client.CreateSnapshotAsync(vm, "one");
        await client.CreateSnapshotAsync(vm, "two");

        await client.RevertToSnapshotAsync(first);
        await client.RemoveSnapshotAsync(first, removeChildren: true);

        // The stock simulator puts the snapshot in entity, vCenter the VM: either is read.
        var revert = (await client.GetRecentTasksAsync()).Last(task => task.Name?.StartsWith("RevertToSnapshot", StringComparison.Ordinal) == true);
        Assert.Contains(revert.Entity, new[] { first, vm });
        Assert.Equal(TaskInfoState.Success, revert.State);
        var left = await client.GetSnapshotsAsync(vm);
        Assert.Empty(left?.Flatten() ?? []);
    }

    [Fact]
    public async Task A_failed_task_throws_its_fault_with_the_task()
    {
        await using var client = TestClients.Create(fixture.Simulator);
        var vm = (await client.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "DC0_C0_RP0_VM0")).Ref;

        var fault = await Assert.ThrowsAsync<VimFaultException>(() => client.PowerOnVmAsync(vm));

        Assert.Equal(VimFaultTypes.InvalidPowerState, fault.FaultType);
        Assert.StartsWith("InvalidPowerState: ", fault.Message, StringComparison.Ordinal);
        Assert.Contains("poweredOn", fault.Message, StringComparison.Ordinal);
        Assert.Equal("Task", fault.Task?.Type);
        Assert.Equal("poweredOn", fault.Details["existingState"]);
    }

    [Fact]
    public async Task Reconfigure_with_typed_devices_edits_adds_and_reads_back()
    {
        await using var client = TestClients.Create(fixture.Simulator);
        var vm = (await client.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "DC0_C0_RP0_VM1")).Ref;
        var network = await client.Lookup.FindAsync(VSphereObjectKind.Network, "DC0/network/VM Network");
        var nic = (await client.GetDevicesAsync(vm)).OfType<VirtualEthernetCard>().First();

        await client.ReconfigureVmAsync(vm, new VirtualMachineConfigSpec
        {
            NumCPUs = 2,
            MemoryMB = 256,
            ExtraConfig = [new OptionValue("guestinfo.role", "web")],
            DeviceChange =
            [
                VirtualDeviceConfigSpec.Edit(nic with
                {
                    Backing = new VirtualEthernetCardNetworkBackingInfo { DeviceName = network.Name, Network = network.Ref },
                    Connectable = new VirtualDeviceConnectInfo { Connected = true, StartConnected = true },
                }),
                VirtualDeviceConfigSpec.Add(new VirtualSerialPort
                {
                    Key = -1,
                    YieldOnPoll = true,
                    Backing = new VirtualSerialPortURIBackingInfo { ServiceUri = "telnet://:2001", Direction = "server" },
                }),
                VirtualDeviceConfigSpec.Add(new VirtualDisk
                {
                    Key = -2,
                    ControllerKey = 202,
                    UnitNumber = 1,
                    CapacityInKB = 4096,
                    Backing = new VirtualDiskFlatVer2BackingInfo { FileName = "[LocalDS_0]", ThinProvisioned = true },
                }, VirtualDeviceConfigSpecFileOperation.Create),
            ],
        });

        var devices = await client.GetDevicesAsync(vm);
        var editedNic = Assert.IsAssignableFrom<VirtualEthernetCard>(devices.Single(device => device.Key == nic.Key));
        var backing = Assert.IsType<VirtualEthernetCardNetworkBackingInfo>(editedNic.Backing);
        Assert.Equal(network.Ref, backing.Network);
        Assert.True(editedNic.Connectable?.Connected);
        Assert.Equal(nic.MacAddress, editedNic.MacAddress);
        var serial = Assert.Single(devices.OfType<VirtualSerialPort>());
        Assert.Equal("telnet://:2001", Assert.IsType<VirtualSerialPortURIBackingInfo>(serial.Backing).ServiceUri);
        Assert.Contains(devices.OfType<VirtualDisk>(), disk => disk.CapacityInKB == 4096 && disk.FlatBacking?.ThinProvisioned == true);
        var config = await client.Properties.RetrieveAsync(vm, ["config.hardware.numCPU", "config.hardware.memoryMB", "config.extraConfig"]);
        Assert.Equal(2, config.GetInt32("config.hardware.numCPU"));
        Assert.Equal(256, config.GetInt32("config.hardware.memoryMB"));
        Assert.Contains(config.GetArray("config.extraConfig").OfType<VimObject>(),
            option => option.GetString("key") == "guestinfo.role" && option.GetString("value") == "web");
    }

    [Fact]
    public async Task Clone_relocate_and_create_specs_are_accepted()
    {
        await using var client = TestClients.Create(fixture.Simulator);
        var source = await client.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "DC1_C0_RP0_VM0");
        var folder = await client.Lookup.FindByPathAsync(VSphereObjectKind.Folder, "DC1/vm");
        var pool = await client.Lookup.FindByPathAsync(VSphereObjectKind.ResourcePool, "DC1/host/DC1_C0/Resources");
        var datastore = await client.Lookup.FindByPathAsync(VSphereObjectKind.Datastore, "DC1/datastore/LocalDS_0");

        var clone = await client.CloneVmAsync(source.Ref, folder.Ref, "DC1-clone", new VirtualMachineCloneSpec
        {
            Location = new VirtualMachineRelocateSpec { Pool = pool.Ref, Datastore = datastore.Ref },
            Config = new VirtualMachineConfigSpec { ExtraConfig = [new OptionValue("guestinfo.clone", "yes")] },
        });
        var created = await client.CreateVmAsync(folder.Ref, new VirtualMachineConfigSpec
        {
            Name = "DC1-new",
            GuestId = "otherGuest64",
            NumCPUs = 2,
            MemoryMB = 128,
            Files = new VirtualMachineFileInfo { VmPathName = "[LocalDS_0]" },
            DeviceChange = [VirtualDeviceConfigSpec.Add(new VirtualVmxnet3 { Key = -1, Backing = new VirtualEthernetCardNetworkBackingInfo { DeviceName = "VM Network" } })],
        }, pool.Ref);

        var contents = await client.Properties.RetrieveAsync([clone, created], ["name", "config.hardware.numCPU", "config.extraConfig"]);
        Assert.Equal(["DC1-clone", "DC1-new"], contents.Select(content => content.GetString("name")).Order());
        Assert.Contains(contents.Single(content => content.Ref == clone).GetArray("config.extraConfig").OfType<VimObject>(),
            option => option.GetString("key") == "guestinfo.clone");
        Assert.Equal(2, contents.Single(content => content.Ref == created).GetInt32("config.hardware.numCPU"));
        Assert.Single((await client.GetDevicesAsync(created)).OfType<VirtualVmxnet3>());
        Assert.Equal("DC1/vm/DC1-clone", (await client.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "DC1-clone")).Path);
    }

    [Fact]
    public async Task QueryEvents_reads_typed_events()
    {
        await using var client = TestClients.Create(fixture.Simulator);
        var vm = (await client.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "DC1_C0_RP0_VM0")).Ref;

        var events = await client.QueryEventsAsync(new EventFilterSpec
        {
            Entity = new EventFilterSpecByEntity { Entity = vm, Recursion = EventFilterSpecRecursionOption.Self },
            EventTypeId = ["VmCreatedEvent"],
            MaxCount = 10,
        });

        var created = Assert.Single(events);
        Assert.Equal("VmCreatedEvent", created.EventType);
        Assert.Equal(vm, created.Vm?.Ref);
        Assert.Equal("DC1_C0_RP0_VM0", created.Vm?.Name);
        Assert.Contains("DC1_C0_RP0_VM0", created.FullFormattedMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_token_stops_before_calling()
    {
        await using var client = TestClients.Create(fixture.Simulator);
        var vm = (await client.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "DC1_H0_VM0")).Ref;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => client.PowerOffVmAsync(vm, cancellationToken: new CancellationToken(canceled: true)));

        var state = await client.Properties.RetrieveAsync(vm, ["runtime.powerState"]);
        Assert.Equal("poweredOn", state.GetString("runtime.powerState"));
    }
}
