using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Tests.Simulator;

public sealed class FaultTests(TwoDatacenterSimulator fixture) : IClassFixture<TwoDatacenterSimulator>
{
    [Fact]
    public async Task A_method_the_server_lacks_is_not_supported()
    {
        await using var client = TestClients.Create(fixture.Simulator);
        var taskManager = (await client.ConnectAsync()).TaskManager!;

        var fault = await Assert.ThrowsAsync<VimFaultException>(
            () => client.InvokeAsync("CreateCollectorForTasks", taskManager, [new("filter", new VimObject("TaskFilterSpec", []))]));

        Assert.True(fault.IsNotSupported);
        Assert.Equal(VimFaultTypes.MethodNotFound, fault.FaultType);
        Assert.Contains("CreateCollectorForTasks is not supported by this server", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manager_the_server_lacks_is_a_missing_object()
    {
        await using var client = TestClients.Create(fixture.Simulator);

        var fault = await Assert.ThrowsAsync<VimFaultException>(
            () => client.Properties.RetrieveAsync(new ManagedObjectReference("HostServiceSystem", "serviceSystem"), ["serviceInfo"]));

        Assert.Equal(VimFaultTypes.ManagedObjectNotFound, fault.FaultType);
        Assert.Contains("HostServiceSystem:serviceSystem", fault.Message, StringComparison.Ordinal);
        Assert.Contains("does not support it", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_property_path_vcenter_rejects_fails_the_read_naming_the_path()
    {
        await using var client = TestClients.Create(fixture.Simulator);
        var vm = (await client.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "DC1_C0_RP0_VM1")).Ref;

        var fault = await Assert.ThrowsAsync<VimFaultException>(
            () => client.Properties.RetrieveAsync(vm, ["name", "config.hardware.device.backing"]));

        Assert.Equal(VimFaultTypes.InvalidProperty, fault.FaultType);
        Assert.Equal("config.hardware.device.backing", fault.InvalidProperty);
        Assert.Contains("'config.hardware.device.backing'", fault.Message, StringComparison.Ordinal);
        // A valid property that is unset is left out, and is no error.
        Assert.Null((await client.Properties.RetrieveAsync(vm, ["name", "snapshot"]))["snapshot"]);
    }

    [Fact]
    public async Task A_dropped_connection_is_a_clear_error_and_the_client_goes_on()
    {
        await using var client = TestClients.Create(fixture.Simulator);
        var vm = (await client.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "DC1_C0_RP0_VM1")).Ref;
        var nic = (await client.GetDevicesAsync(vm)).OfType<VirtualEthernetCard>().First();

        // An edit without deviceInfo makes the simulator panic and drop the connection without a response.
        var error = await Assert.ThrowsAsync<VSphereConnectionException>(() => client.ReconfigureVmAsync(vm, new VirtualMachineConfigSpec
        {
            DeviceChange = [VirtualDeviceConfigSpec.Edit(nic with { DeviceInfo = null })],
        }));

        Assert.Contains("ReconfigVM_Task", error.Message, StringComparison.Ordinal);
        Assert.Contains("without a complete response", error.Message, StringComparison.Ordinal);
        Assert.Equal("DC1_C0_RP0_VM1", (await client.Properties.RetrieveAsync(vm, ["name"])).GetString("name"));
    }
}

public sealed class MissingSetTests(MissingSetSimulator fixture) : IClassFixture<MissingSetSimulator>
{
    [Fact]
    public async Task A_property_listed_in_missingSet_fails_the_read_naming_the_path_and_object()
    {
        await using var client = TestClients.Create(fixture.Simulator);
        var vm = (await client.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "DC0_H0_VM0")).Ref;

        var fault = await Assert.ThrowsAsync<VimFaultException>(() => client.Properties.RetrieveAsync(vm, ["name", "config.nosuch"]));

        Assert.Equal(VimFaultTypes.InvalidProperty, fault.FaultType);
        Assert.Contains("'config.nosuch'", fault.Message, StringComparison.Ordinal);
        Assert.Contains(vm.ToString(), fault.Message, StringComparison.Ordinal);
        Assert.Equal("DC0_H0_VM0", (await client.Properties.RetrieveAsync(vm, ["name"])).GetString("name"));
    }
}
