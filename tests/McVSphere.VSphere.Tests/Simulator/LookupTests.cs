using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Tests.Simulator;

public sealed class LookupTests(TwoDatacenterSimulator fixture) : IClassFixture<TwoDatacenterSimulator>
{
    [Theory]
    [InlineData(VSphereObjectKind.VirtualMachine, "DC0_H0_VM0", "VirtualMachine", "DC0/vm/DC0_H0_VM0")]
    [InlineData(VSphereObjectKind.Host, "DC1_C0_H2", "HostSystem", "DC1/host/DC1_C0/DC1_C0_H2")]
    [InlineData(VSphereObjectKind.Host, "DC0_H0", "HostSystem", "DC0/host/DC0_H0/DC0_H0")]
    [InlineData(VSphereObjectKind.Cluster, "DC0_C0", "ClusterComputeResource", "DC0/host/DC0_C0")]
    [InlineData(VSphereObjectKind.Network, "DC1_DVPG0", "DistributedVirtualPortgroup", "DC1/network/DC1_DVPG0")]
    [InlineData(VSphereObjectKind.Datacenter, "DC1", "Datacenter", "DC1")]
    [InlineData(VSphereObjectKind.Datastore, "DC0/datastore/LocalDS_0", "Datastore", "DC0/datastore/LocalDS_0")]
    [InlineData(VSphereObjectKind.ResourcePool, "DC0/host/DC0_C0/Resources", "ResourcePool", "DC0/host/DC0_C0/Resources")]
    [InlineData(VSphereObjectKind.Network, "/DC1/network/VM Network/", "Network", "DC1/network/VM Network")]
    [InlineData(VSphereObjectKind.Folder, "DC1/vm", "Folder", "DC1/vm")]
    [InlineData(VSphereObjectKind.VirtualMachine, "dc0_c0_rp0_vm1", "VirtualMachine", "DC0/vm/DC0_C0_RP0_VM1")]
    public async Task FindAsync_finds_by_name_or_path(VSphereObjectKind kind, string name, string type, string path)
    {
        await using var client = TestClients.Create(fixture.Simulator);

        var found = await client.Lookup.FindAsync(kind, name);

        Assert.Equal(type, found.Ref.Type);
        Assert.Equal(path, found.Path);
        Assert.Equal(kind, found.Kind);
    }

    [Fact]
    public async Task FindByPathAsync_takes_a_datacenter_relative_inventory_path()
    {
        await using var client = TestClients.Create(fixture.Simulator);

        var host = await client.Lookup.FindByPathAsync(VSphereObjectKind.Host, "DC0/host/DC0_C0/DC0_C0_H1");

        Assert.Equal("DC0_C0_H1", host.Name);
        var miss = await Assert.ThrowsAsync<VSphereObjectNotFoundException>(
            () => client.Lookup.FindByPathAsync(VSphereObjectKind.Host, "DC0/host/DC0_C0/DC0_C0_H9"));
        Assert.Contains("DC0/host/DC0_C0/DC0_C0_H0", miss.ClosestMatches);
    }

    [Fact]
    public async Task An_unknown_name_lists_the_closest_names_best_first()
    {
        await using var client = TestClients.Create(fixture.Simulator);

        var miss = await Assert.ThrowsAsync<VSphereObjectNotFoundException>(
            () => client.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "DC0_H0_VM7"));

        Assert.Equal(VSphereObjectKind.VirtualMachine, miss.Kind);
        Assert.Equal("DC0_H0_VM7", miss.Name);
        Assert.InRange(miss.ClosestMatches.Count, 2, 5);
        Assert.Equal(["DC0_H0_VM0", "DC0_H0_VM1"], miss.ClosestMatches.Take(2).Order());
        Assert.Contains("'DC0_H0_VM0'", miss.Message, StringComparison.Ordinal);

        var substring = await Assert.ThrowsAsync<VSphereObjectNotFoundException>(
            () => client.Lookup.FindAsync(VSphereObjectKind.Cluster, "C0"));
        // Those ending in the name first, then those that only contain it (the test bed's clusters without DRS, DCn_NC0).
        Assert.Equal(["DC0_C0", "DC1_C0", "DC0_NC0", "DC1_NC0"], substring.ClosestMatches);

        var nothingLike = await Assert.ThrowsAsync<VSphereObjectNotFoundException>(
            () => client.Lookup.FindAsync(VSphereObjectKind.Datacenter, "production-east"));
        Assert.Empty(nothingLike.ClosestMatches);
        Assert.Contains("none of the 2", nothingLike.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(VSphereObjectKind.Network, "VM Network", "DC0/network/VM Network", "DC1/network/VM Network")]
    [InlineData(VSphereObjectKind.Datastore, "LocalDS_0", "DC0/datastore/LocalDS_0", "DC1/datastore/LocalDS_0")]
    [InlineData(VSphereObjectKind.Folder, "vm", "DC0/vm", "DC1/vm")]
    public async Task A_name_shared_by_several_objects_lists_their_paths(VSphereObjectKind kind, string name, string first, string second)
    {
        await using var client = TestClients.Create(fixture.Simulator);

        var ambiguous = await Assert.ThrowsAsync<VSphereAmbiguousNameException>(() => client.Lookup.FindAsync(kind, name));

        Assert.Equal([first, second], ambiguous.Paths);
        Assert.Contains($"'{first}'", ambiguous.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Folders_created_with_the_same_name_in_two_places_are_ambiguous()
    {
        await using var client = TestClients.Create(fixture.Simulator);
        var dc0 = await client.Lookup.FindByPathAsync(VSphereObjectKind.Folder, "DC0/vm");
        var dc1 = await client.Lookup.FindByPathAsync(VSphereObjectKind.Folder, "DC1/vm");
        var lab0 = await client.CreateFolderAsync(dc0.Ref, "Lab");
        var lab1 = await client.CreateFolderAsync(dc1.Ref, "Lab");

        var ambiguous = await Assert.ThrowsAsync<VSphereAmbiguousNameException>(() => client.Lookup.FindAsync(VSphereObjectKind.Folder, "Lab"));
        var byPath = await client.Lookup.FindAsync(VSphereObjectKind.Folder, "DC1/vm/Lab");

        Assert.Equal(["DC0/vm/Lab", "DC1/vm/Lab"], ambiguous.Paths);
        Assert.Equal(lab1, byPath.Ref);
        var duplicate = await Assert.ThrowsAsync<VimFaultException>(() => client.CreateFolderAsync(dc0.Ref, "Lab"));
        Assert.Equal(VimFaultTypes.DuplicateName, duplicate.FaultType);
        Assert.Contains("'Lab'", duplicate.Message, StringComparison.Ordinal);
        await client.DestroyAsync(lab0);
        await client.DestroyAsync(lab1);
    }

    [Fact]
    public async Task The_end_of_a_path_in_whole_segments_finds_a_folder_as_the_original_wrote_it()
    {
        await using var client = TestClients.Create(fixture.Simulator);
        var dc0 = await client.Lookup.FindByPathAsync(VSphereObjectKind.Folder, "DC0/vm");
        var dc1 = await client.Lookup.FindByPathAsync(VSphereObjectKind.Folder, "DC1/vm");
        var prod = await client.CreateFolderAsync(dc0.Ref, "Prod-tail");
        var web = await client.CreateFolderAsync(prod, "Web-tail");
        var other = await client.CreateFolderAsync(dc1.Ref, "Prod-tail");
        try
        {
            Assert.Equal(web, (await client.Lookup.FindAsync(VSphereObjectKind.Folder, "Prod-tail/Web-tail")).Ref);
            Assert.Equal(web, (await client.Lookup.FindAsync(VSphereObjectKind.Folder, "vm/prod-tail/web-tail")).Ref);
            Assert.Equal(web, (await client.Lookup.FindAsync(VSphereObjectKind.Folder, "DC0/vm/Prod-tail/Web-tail")).Ref);

            // Two folders end so: ambiguous, with both paths; a partial segment matches nothing.
            var ambiguous = await Assert.ThrowsAsync<VSphereAmbiguousNameException>(() => client.Lookup.FindAsync(VSphereObjectKind.Folder, "vm/Prod-tail"));
            Assert.Equal(["DC0/vm/Prod-tail", "DC1/vm/Prod-tail"], ambiguous.Paths);
            await Assert.ThrowsAsync<VSphereObjectNotFoundException>(() => client.Lookup.FindAsync(VSphereObjectKind.Folder, "od-tail/Web-tail"));
        }
        finally
        {
            await client.DestroyAsync(web);
            await client.DestroyAsync(prod);
            await client.DestroyAsync(other);
        }
    }

    [Fact]
    public async Task Templates_are_found_as_templates_and_as_virtual_machines()
    {
        await using var client = TestClients.Create(fixture.Simulator);
        var vm = await client.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "DC1_H0_VM1");
        await client.PowerOffVmAsync(vm.Ref);
        await client.MarkAsTemplateAsync(vm.Ref);

        var template = await client.Lookup.FindAsync(VSphereObjectKind.Template, "DC1_H0_VM1");
        var miss = await Assert.ThrowsAsync<VSphereObjectNotFoundException>(() => client.Lookup.FindAsync(VSphereObjectKind.Template, "DC1_H0_VM0"));

        Assert.Equal(vm.Ref, template.Ref);
        Assert.Equal(["DC1_H0_VM1"], miss.ClosestMatches);
        Assert.Equal(vm.Ref, (await client.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, "DC1_H0_VM1")).Ref);
    }
}
