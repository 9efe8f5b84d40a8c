namespace McVSphere.VSphere.Tests.Simulator;

public sealed class IdleExpiryTests(IdleSessionSimulator fixture) : IClassFixture<IdleSessionSimulator>
{
    /// <summary>The simulator checks idle sessions periodically, so a 2 s idle limit can take up to twice that.</summary>
    private static readonly TimeSpan IdleLongEnough = TimeSpan.FromSeconds(4.5);

    [Fact]
    public async Task A_session_that_expired_while_idle_is_replaced_on_the_next_call()
    {
        var logs = new RecordingLoggerFactory();
        await using var client = TestClients.Create(fixture.Simulator, logs);
        await client.Properties.RetrieveAsync("VirtualMachine", ["name"]);

        await Task.Delay(IdleLongEnough);
        var vms = await client.Properties.RetrieveAsync("VirtualMachine", ["name"]);

        Assert.Single(vms);
        Assert.Equal(2, logs.Count("Logged in to"));
        Assert.Equal(1, logs.Count("was lost (NotAuthenticated)"));
    }

    [Fact]
    public async Task Keep_alive_keeps_an_idle_session()
    {
        var logs = new RecordingLoggerFactory();
        var options = TestClients.Options(fixture.Simulator);
        options.KeepAliveInterval = TimeSpan.FromMilliseconds(400);
        await using var client = new VSphereClient(options, logs);
        await client.ConnectAsync();

        await Task.Delay(IdleLongEnough);
        var vms = await client.Properties.RetrieveAsync("VirtualMachine", ["name"]);

        Assert.Single(vms);
        Assert.Equal(1, logs.Count("Logged in to"));
    }
}
