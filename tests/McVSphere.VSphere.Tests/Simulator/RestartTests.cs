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
}
