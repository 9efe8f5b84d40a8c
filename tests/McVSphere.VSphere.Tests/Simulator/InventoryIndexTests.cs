using System.Text.Json;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Tests.Simulator;

/// <summary>
/// The live inventory index (VSphereConnectionOptions.InventoryIndex): warm lookups make no round trip, changes made
/// behind the client's back show, the client's own changes are seen by its next lookup, and it survives its session; and
/// what else a client reads once per session rather than per call (performance counter definitions).
/// </summary>
public sealed class InventoryIndexTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private SimulatorInstance _simulator = null!;

    public async Task InitializeAsync() => _simulator = await SimulatorInstance.StartAsync(["-dc", "2"]);

    public async Task DisposeAsync() => await _simulator.DisposeAsync();

    [Fact]
    public async Task Warm_lookups_and_listings_make_no_property_read_and_answer_as_vCenter_does()
    {
        await using var indexed = IndexedClient();
        await using var plain = TestClients.Create(_simulator);
        using var bound = new CancellationTokenSource(Bound);
        await indexed.Lookup.Index!.WaitUntilCurrentAsync(bound.Token);
        (VSphereObjectKind Kind, string Name)[] asked =
        [
            (VSphereObjectKind.VirtualMachine, "DC0_H0_VM0"), (VSphereObjectKind.VirtualMachine, "dc1_c0_rp0_vm1"), (VSphereObjectKind.Host, "DC1_C0_H2"),
            (VSphereObjectKind.Network, "DC1/network/VM Network"), (VSphereObjectKind.Folder, "DC1/vm"), (VSphereObjectKind.Cluster, "DC0_C0"),
        ];
        var expected = new List<InventoryObject>();
        foreach (var (kind, name) in asked)
        {
            expected.Add(await plain.Lookup.FindAsync(kind, name));
        }
        var expectedHosts = await plain.Lookup.ListAsync(VSphereObjectKind.Host);

        var before = await PropertyReadsAsync();
        var found = new List<InventoryObject>();
        foreach (var (kind, name) in asked)
        {
            found.Add(await indexed.Lookup.FindAsync(kind, name));
        }
        var hosts = await indexed.Lookup.ListAsync(VSphereObjectKind.Host);
        var after = await PropertyReadsAsync();

        Assert.Equal(before, after);
        Assert.Equal(expected, found);
        Assert.Equal(expectedHosts, hosts);
    }

    [Fact]
    public async Task Objects_created_renamed_and_deleted_by_another_client_are_found_under_their_names_and_reported_gone()
    {
        await using var indexed = IndexedClient();
        await using var other = TestClients.Create(_simulator);
        using var bound = new CancellationTokenSource(Bound);
        await indexed.Lookup.Index!.WaitUntilCurrentAsync(bound.Token);
        var source = await other.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "DC0_H0_VM0");
        var folder = await other.Lookup.FindAsync(VSphereObjectKind.Folder, "DC0/vm");

        // Created a moment ago: a miss is checked against vCenter before "not found".
        var created = await other.CloneVmAsync(source.Ref, folder.Ref, "made-elsewhere", new VirtualMachineCloneSpec());
        Assert.Equal(created, (await indexed.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "made-elsewhere")).Ref);

        await other.RenameAsync(created, "renamed-elsewhere");
        await indexed.Lookup.Index.CatchUpAsync(bound.Token);
        Assert.Equal(created, (await indexed.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "renamed-elsewhere")).Ref);
        await Assert.ThrowsAsync<VSphereObjectNotFoundException>(() => indexed.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "made-elsewhere"));

        await other.DestroyAsync(created);
        await indexed.Lookup.Index.CatchUpAsync(bound.Token);
        await Assert.ThrowsAsync<VSphereObjectNotFoundException>(() => indexed.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "renamed-elsewhere"));
    }

    [Fact]
    public async Task The_clients_own_rename_is_seen_by_its_next_lookup_and_a_shared_name_is_still_refused_with_the_paths()
    {
        await using var indexed = IndexedClient();
        using var bound = new CancellationTokenSource(Bound);
        await indexed.Lookup.Index!.WaitUntilCurrentAsync(bound.Token);
        var vm = await indexed.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "DC1_H0_VM1");

        await indexed.RenameAsync(vm.Ref, "DC0_H0_VM0");

        var ambiguous = await Assert.ThrowsAsync<VSphereAmbiguousNameException>(() => indexed.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "DC0_H0_VM0"));
        await Assert.ThrowsAsync<VSphereObjectNotFoundException>(() => indexed.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "DC1_H0_VM1"));
        await indexed.Lookup.Index.WaitUntilCurrentAsync(bound.Token);
        var fromIndex = await Assert.ThrowsAsync<VSphereAmbiguousNameException>(() => indexed.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "DC0_H0_VM0"));
        Assert.Equal(ambiguous.Paths, fromIndex.Paths);
        Assert.Equal(2, fromIndex.Paths.Count);
    }

    [Fact]
    public async Task A_power_operation_of_the_clients_own_leaves_the_index_answering()
    {
        await using var indexed = IndexedClient();
        using var bound = new CancellationTokenSource(Bound);
        await indexed.Lookup.Index!.WaitUntilCurrentAsync(bound.Token);
        var vm = await indexed.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "DC0_H0_VM1");

        await indexed.InvokeTaskAsync("PowerOffVM_Task", vm.Ref);
        var before = await PropertyReadsAsync();
        var again = await indexed.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "DC0_H0_VM1");

        Assert.True(indexed.Lookup.Index.IsCurrent);
        Assert.Equal(vm, again);
        Assert.Equal(before, await PropertyReadsAsync());
    }

    [Fact]
    public async Task The_index_is_rebuilt_after_its_session_is_terminated()
    {
        await using var indexed = IndexedClient();
        await using var admin = TestClients.Create(_simulator);
        using var bound = new CancellationTokenSource(Bound);
        await indexed.Lookup.Index!.WaitUntilCurrentAsync(bound.Token);
        var content = await admin.ConnectAsync();

        await admin.InvokeAsync("TerminateSession", content.SessionManager, [new VimArgument("sessionId", [indexed.CurrentSession!.Key])]);
        var source = await admin.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "DC0_H0_VM0");
        await admin.RenameAsync(source.Ref, "after-termination");
        await indexed.Lookup.Index.CatchUpAsync(bound.Token);

        var before = await PropertyReadsAsync();
        Assert.Equal(source.Ref, (await indexed.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "after-termination")).Ref);
        Assert.Equal(before, await PropertyReadsAsync());
    }

    [Fact]
    public async Task Performance_counter_definitions_are_read_once_per_session()
    {
        await using var client = TestClients.Create(_simulator);
        await client.ConnectAsync();
        var first = await client.GetPerfCountersAsync();

        var before = await PropertyReadsAsync();
        var second = await client.GetPerfCountersAsync();

        Assert.NotEmpty(first);
        Assert.Same(first, second);
        Assert.Equal(before, await PropertyReadsAsync());
    }

    /// <summary>RetrievePropertiesEx calls the simulator has answered so far (its /vcsim/property-paging hook).</summary>
    private async Task<int> PropertyReadsAsync()
    {
        using var http = new HttpClient();
        var json = await http.GetStringAsync(new Uri(_simulator.Url, "/vcsim/property-paging"));
        return JsonDocument.Parse(json).RootElement.GetProperty("RetrievePropertiesEx").GetInt32();
    }

    private VSphereClient IndexedClient()
    {
        var options = TestClients.Options(_simulator);
        options.InventoryIndex = true;
        return new VSphereClient(options);
    }
}
