using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Tests.Unit;

/// <summary>The RetrievePropertiesEx paging loop, on recorded responses split into pages that carry tokens (the
/// simulator never pages).</summary>
public sealed class PagingTests
{
    private static readonly string[] VmNames =
        ["DC0_H0_VM0", "DC0_H0_VM1", "DC0_C0_RP0_VM0", "DC0_C0_RP0_VM1", "DC1_H0_VM0", "DC1_H0_VM1", "DC1_C0_RP0_VM0", "DC1_C0_RP0_VM1"];

    [Fact]
    public async Task Pages_are_followed_with_their_tokens_one_call_each()
    {
        var server = PagedServer();
        await using var client = server.CreateClient();

        var vms = await client.Properties.RetrieveAsync("VirtualMachine", ["name", "runtime.powerState", "config.hardware.numCPU"]);

        Assert.Equal(VmNames, vms.Select(vm => vm.GetString("name")));
        Assert.Equal(["poweredOn", "poweredOff", "poweredOn", "poweredOn", "poweredOn", "poweredOn", "poweredOn", "poweredOn"],
            vms.Select(vm => vm.GetString("runtime.powerState")));
        Assert.All(vms, vm => Assert.Equal(1, vm.GetInt32("config.hardware.numCPU")));
        Assert.Equal(
            ["RetrieveServiceContent", "Login", "CreateContainerView", "RetrievePropertiesEx", "ContinueRetrievePropertiesEx", "ContinueRetrievePropertiesEx", "DestroyView"],
            server.Methods);
        var continues = server.Calls.Where(call => call.Method == "ContinueRetrievePropertiesEx").Select(call => call.Body).ToArray();
        Assert.Contains("<token>token-page-2</token>", continues[0], StringComparison.Ordinal);
        Assert.Contains("<token>token-page-3</token>", continues[1], StringComparison.Ordinal);
        var first = server.Calls.Single(call => call.Method == "RetrievePropertiesEx").Body;
        Assert.Contains("<maxObjects>1000</maxObjects>", first, StringComparison.Ordinal);
        Assert.Contains("<pathSet>runtime.powerState</pathSet>", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_between_pages_releases_the_server_side_result()
    {
        var server = PagedServer()
            .ReplyOnly("ContinueRetrievePropertiesEx", FakeVimServer.Fault("", "<NotAuthenticatedFault xmlns=\"urn:vim25\" xsi:type=\"NotAuthenticated\"/>"))
            .Reply("CancelRetrievePropertiesEx", FakeVimServer.Envelope("<CancelRetrievePropertiesExResponse xmlns=\"urn:vim25\"/>"));
        await using var client = server.CreateClient();

        await Assert.ThrowsAsync<VimFaultException>(() => client.Properties.RetrieveAsync(new PropertyFilterSpecFixture().Spec));

        var cancel = server.Calls.First(call => call.Method == "CancelRetrievePropertiesEx").Body;
        Assert.Contains("<token>token-page-2</token>", cancel, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotAuthenticated_in_the_missing_sets_of_a_200_response_logs_in_again_and_retries()
    {
        var logs = new RecordingLoggerFactory();
        var missing = FakeVimServer.Envelope(
            "<RetrievePropertiesExResponse xmlns=\"urn:vim25\"><returnval><objects><obj type=\"Folder\">group-d1</obj><missingSet><path>name</path><fault>" +
            "<fault xmlns:XMLSchema-instance=\"http://www.w3.org/2001/XMLSchema-instance\" XMLSchema-instance:type=\"NotAuthenticated\">" +
            "<object type=\"Folder\">group-d1</object><privilegeId>System.Read</privilegeId></fault></fault></missingSet></objects></returnval></RetrievePropertiesExResponse>");
        var present = FakeVimServer.Envelope(
            "<RetrievePropertiesExResponse xmlns=\"urn:vim25\"><returnval><objects><obj type=\"Folder\">group-d1</obj><propSet><name>name</name>" +
            "<val xmlns:q=\"http://www.w3.org/2001/XMLSchema-instance\" q:type=\"xsd:string\">Datacenters</val></propSet></objects></returnval></RetrievePropertiesExResponse>");
        var server = new FakeVimServer().Reply("RetrievePropertiesEx", missing).Reply("RetrievePropertiesEx", present);
        await using var client = server.CreateClient(logs);

        var root = await client.Properties.RetrieveAsync(new ManagedObjectReference("Folder", "group-d1"), ["name"]);

        Assert.Equal("Datacenters", root.GetString("name"));
        Assert.Equal(["RetrieveServiceContent", "Login", "RetrievePropertiesEx", "RetrieveServiceContent", "Login", "RetrievePropertiesEx"], server.Methods);
        Assert.Equal(2, logs.Count("Logged in to"));
    }

    private static FakeVimServer PagedServer() => new FakeVimServer()
        .Reply("CreateContainerView", FakeVimServer.Recorded("CreateContainerView"))
        .Reply("RetrievePropertiesEx", FakeVimServer.Recorded("RetrievePropertiesEx.page1"))
        .Reply("ContinueRetrievePropertiesEx", FakeVimServer.Recorded("ContinueRetrievePropertiesEx.page2"))
        .Reply("ContinueRetrievePropertiesEx", FakeVimServer.Recorded("ContinueRetrievePropertiesEx.page3"));

    /// <summary>A hand-built filter spec on known objects, for the overload that takes one.</summary>
    private sealed class PropertyFilterSpecFixture
    {
        public Properties.PropertyFilterSpec Spec { get; } = new()
        {
            PropSet = [new Properties.PropertySpec { Type = "VirtualMachine", PathSet = ["name"] }],
            ObjectSet = [new Properties.ObjectSpec { Obj = new ManagedObjectReference("VirtualMachine", "vm-57") }],
        };
    }
}
