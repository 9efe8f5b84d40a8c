using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Tests.Simulator;

public sealed class SessionTests(TwoDatacenterSimulator fixture) : IClassFixture<TwoDatacenterSimulator>
{
    private const string LoggedIn = "Logged in to";

    private SimulatorInstance Simulator => fixture.Simulator;

    [Fact]
    public async Task ConnectAsync_logs_in_and_reads_the_service_content()
    {
        await using var client = TestClients.Create(Simulator);

        var content = await client.ConnectAsync();

        Assert.Equal("VMware vCenter Server 6.5.0 build-5973321", content.About.FullName);
        Assert.Equal("6.5", content.About.ApiVersion);
        Assert.Equal("vpx", content.About.ProductLineId);
        Assert.False(string.IsNullOrEmpty(content.About.InstanceUuid));
        Assert.Equal("Folder", content.RootFolder.Type);
        Assert.NotNull(content.EventManager);
        Assert.Same(content, client.ServiceContent);
        Assert.Equal(Simulator.User, client.CurrentSession?.UserName);
    }

    [Fact]
    public async Task A_client_logs_in_lazily_on_first_use()
    {
        var logs = new RecordingLoggerFactory();
        await using var client = TestClients.Create(Simulator, logs);
        Assert.Null(client.CurrentSession);
        Assert.Throws<InvalidOperationException>(() => client.ServiceContent);

        var datacenters = await client.Properties.RetrieveAsync("Datacenter", ["name"]);

        Assert.Equal(2, datacenters.Count);
        Assert.Equal(1, logs.Count(LoggedIn));
    }

    [Fact]
    public async Task A_wrong_password_is_InvalidLogin_and_the_message_never_shows_it()
    {
        const string wrong = "not-the-Password-42";
        var logs = new RecordingLoggerFactory();
        await using var client = new VSphereClient(TestClients.Options(Simulator, password: wrong), logs);

        var fault = await Assert.ThrowsAsync<VimFaultException>(() => client.ConnectAsync());

        Assert.Equal(VimFaultTypes.InvalidLogin, fault.FaultType);
        Assert.Contains(Simulator.User, fault.Message, StringComparison.Ordinal);
        Assert.Contains("VCENTER_PASSWORD", fault.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, fault.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, TestClients.Options(Simulator, password: wrong).ToString(), StringComparison.Ordinal);
        Assert.NotEmpty(logs.Lines);
        Assert.DoesNotContain(logs.Lines, line => line.Contains(wrong, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_connection_names_the_server_setting()
    {
        var port = McVSphere.Testing.LoopbackPorts.Reserve(); // held, and nothing listens on it
        await using var client = new VSphereClient(new VSphereConnectionOptions { Server = $"http://127.0.0.1:{port}", User = "u", Password = "p", ServerSettingName = "VCENTER_HOST" });

        var error = await Assert.ThrowsAsync<VSphereConnectionException>(() => client.ConnectAsync());

        Assert.Contains("refused", error.Message, StringComparison.Ordinal);
        Assert.Contains("VCENTER_HOST", error.Message, StringComparison.Ordinal);
        Assert.Equal(new Uri($"http://127.0.0.1:{port}/sdk"), error.Server);
    }

    [Fact]
    public async Task A_terminated_session_is_replaced_by_one_new_login_for_both_ways_the_loss_shows()
    {
        var logs = new RecordingLoggerFactory();
        await using var client = TestClients.Create(Simulator, logs);
        await using var admin = TestClients.Create(Simulator);
        var content = await client.ConnectAsync();

        // RetrievePropertiesEx of known objects: the simulator answers 200 with NotAuthenticated in every missingSet.
        await TerminateAsync(admin, client);
        var root = await client.Properties.RetrieveAsync(content.RootFolder, ["name"]);
        Assert.Equal("Datacenters", root.GetString("name"));
        Assert.Equal(2, logs.Count(LoggedIn));

        // CreateContainerView: a NotAuthenticated SOAP fault.
        await TerminateAsync(admin, client);
        var hosts = await client.Properties.RetrieveAsync("HostSystem", ["name"]);
        Assert.Equal(12, hosts.Count); // per datacenter: 3 in DCn_C0, 1 standalone, 2 in DCn_NC0 (no DRS)
        Assert.Equal(3, logs.Count(LoggedIn));
        Assert.DoesNotContain(logs.Lines, line => line.Contains(Simulator.Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Concurrent_callers_that_lose_the_session_share_one_new_login()
    {
        var logs = new RecordingLoggerFactory();
        await using var client = TestClients.Create(Simulator, logs);
        await using var admin = TestClients.Create(Simulator);
        var content = await client.ConnectAsync();
        await TerminateAsync(admin, client);

        var reads = Enumerable.Range(0, 8).Select(_ => client.Properties.RetrieveAsync(content.RootFolder, ["name"]));
        var results = await Task.WhenAll(reads);

        Assert.All(results, result => Assert.Equal("Datacenters", result.GetString("name")));
        Assert.Equal(2, logs.Count(LoggedIn));
    }

    [Fact]
    public async Task DisposeAsync_logs_out()
    {
        await using var admin = TestClients.Create(Simulator);
        var adminContent = await admin.ConnectAsync();
        var client = TestClients.Create(Simulator);
        await client.ConnectAsync();
        var session = client.CurrentSession!;

        await client.DisposeAsync();

        var active = await admin.InvokeAsync("SessionIsActive", adminContent.SessionManager,
            [new VimArgument("sessionID", session.Key), new VimArgument("userName", session.UserName)]);
        Assert.False(active?.AsBoolean());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.Properties.RetrieveAsync("Datacenter", ["name"]));
    }

    private static async Task TerminateAsync(VSphereClient admin, VSphereClient victim)
    {
        var content = await admin.ConnectAsync();
        await admin.InvokeAsync("TerminateSession", content.SessionManager, [new VimArgument("sessionId", [victim.CurrentSession!.Key])]);
    }
}
