using McVSphere.Testing;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Rest;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.Inventory.Tests;

/// <summary>
/// The simulator's standard VPX inventory, seeded once with what the Inventory tools should report, and served by the
/// host with the Inventory plugin only. The tools only read, so every test shares it (the "Inventory" collection):
/// <list type="bullet">
/// <item>DC0, cluster DC0_C0 (hosts DC0_C0_H0..H2), standalone host DC0_H0, datastore LocalDS_0, networks "VM Network",
/// DC0_DVPG0 and the uplink port group of DVS0, root pools DC0/host/DC0_C0/Resources and DC0/host/DC0_H0/Resources.</item>
/// <item>DC0_C0_RP0_VM0 and DC0_H0_VM0 powered on; DC0_C0_RP0_VM1 powered off and made a template; DC0_H0_VM1 powered
/// off and moved into the VM folder DC0/vm/Lab.</item>
/// <item>Tag categories Environment (tags prod, test) and Owner (tag team-a); DC0_H0_VM0 carries prod and team-a.</item>
/// </list>
/// </summary>
public sealed class InventoryFixture : SimulatorHostFixture, IAsyncLifetime
{
    public const string Template = "DC0_C0_RP0_VM1";
    public const string LabVm = "DC0_H0_VM1";
    public const string TaggedVm = "DC0_H0_VM0";

    protected override string? Plugins => "Inventory";

    /// <summary>The listing tests assert the stock inventory's exact shape: without the test bed's cluster without DRS.</summary>
    protected override string[] SimulatorFlags => ["-nodrs-cluster", "0"];

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        await using var client = new VSphereClient(new VSphereConnectionOptions
        {
            Server = Simulator.Url.ToString(),
            User = Simulator.User,
            Password = Simulator.Password,
        });

        var vmFolder = await client.Lookup.FindByPathAsync(VSphereObjectKind.Folder, "DC0/vm");
        var lab = await client.CreateFolderAsync(vmFolder.Ref, "Lab");
        var labVm = await client.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, LabVm);
        await client.PowerOffVmAsync(labVm.Ref);
        await client.MoveIntoFolderAsync(lab, [labVm.Ref]);

        var template = await client.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, Template);
        await client.PowerOffVmAsync(template.Ref);
        await client.MarkAsTemplateAsync(template.Ref);

        var environment = await client.Tagging.CreateCategoryAsync("Environment", "Where a VM runs", TagCardinality.Single, ["VirtualMachine"]);
        var owner = await client.Tagging.CreateCategoryAsync("Owner", "Who answers for it");
        var prod = await client.Tagging.CreateTagAsync(environment, "prod", "Production");
        await client.Tagging.CreateTagAsync(environment, "test");
        var team = await client.Tagging.CreateTagAsync(owner, "team-a");
        var tagged = await client.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, TaggedVm);
        await client.Tagging.AttachTagAsync(prod, tagged.Ref);
        await client.Tagging.AttachTagAsync(team, tagged.Ref);
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class InventoryCollection : ICollectionFixture<InventoryFixture>
{
    public const string Name = "Inventory";
}

/// <summary>One cluster of 5,000 VMs (three hosts, no standalone host), for the listing filters and limits at scale.</summary>
public sealed class LargeInventoryFixture : SimulatorHostFixture
{
    public const int VmCount = 5000;

    protected override string[] SimulatorFlags => ["-cluster", "1", "-standalone-host", "0", "-vm", VmCount.ToString()];

    protected override string? Plugins => "Inventory";
}

/// <summary>The default inventory, served by a host that asks for pages of 7 objects (MCVSPHERE_PAGE_SIZE).</summary>
public sealed class SmallPageFixture : SimulatorHostFixture
{
    public const int PageSize = 7;

    protected override string? Plugins => "Inventory";

    protected override IReadOnlyDictionary<string, string?> HostSettings =>
        new Dictionary<string, string?> { ["MCVSPHERE_PAGE_SIZE"] = PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture) };
}
