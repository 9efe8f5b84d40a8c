namespace McVSphere.VSphere.Tests.Simulator;

public sealed class RestartTests
{
    [Fact]
    public async Task After_the_server_restarts_on_the_same_port_the_next_call_logs_in_again()
    {
        await using var simulator = await SimulatorInstance.StartAsync(["-cluster", "0", "-standalone-host", "1", "-vm", "1"]);
        var logs = new RecordingLoggerFactory();
        await using var client = TestClients.Create(simulator, logs);
        Assert.Single(await client.Properties.RetrieveAsync("VirtualMachine", ["name"]));

        await simulator.KillAsync();
        var down = await Assert.ThrowsAsync<VSphereConnectionException>(() => client.Properties.RetrieveAsync("VirtualMachine", ["name"]));
        await simulator.RestartAsync();
        var vms = await client.Properties.RetrieveAsync("VirtualMachine", ["name"]);

        Assert.Contains("refused", down.Message, StringComparison.Ordinal);
        Assert.Single(vms);
        Assert.Equal(2, logs.Count("Logged in to"));
    }

    [Fact]
    public async Task The_inventory_index_is_rebuilt_after_the_server_restarts_and_answers_again()
    {
        await using var simulator = await SimulatorInstance.StartAsync(["-cluster", "0", "-standalone-host", "1", "-vm", "2"]);
        var options = TestClients.Options(simulator);
        options.InventoryIndex = true;
        var logs = new RecordingLoggerFactory();
        await using var client = new VSphereClient(options, logs);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await client.Lookup.Index!.WaitUntilCurrentAsync(bound.Token);

        await simulator.KillAsync();
        await simulator.RestartAsync();
        await client.Lookup.Index.CatchUpAsync(bound.Token);
        var vm = await client.Lookup.FindAsync(Lookup.VSphereObjectKind.VirtualMachine, "DC0_H0_VM1");

        Assert.True(client.Lookup.Index.IsCurrent);
        Assert.Equal("DC0_H0_VM1", vm.Name);
        Assert.True(logs.Count("Inventory index filled") >= 2);
        Assert.True(logs.Count("Inventory index lost its watch") >= 1);
    }
}
