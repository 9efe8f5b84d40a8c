namespace McVSphere.Plugins.OvfOps.Tests;

/// <summary>list_ovf_networks reads the descriptor's NetworkSection wherever the package is.</summary>
public sealed class OvfNetworkTests(OvfOpsFixture fixture) : IClassFixture<OvfOpsFixture>
{
    private static readonly string[] Networks = ["VM Network", "Backend"];

    [Fact]
    public async Task Lists_the_networks_of_a_local_ovf_with_their_adapters()
    {
        var name = fixture.UniqueName("nets");
        TestPackages.WriteOvf(fixture.RootPath(name), name, [new TestDisk("disk1.vmdk", TestPackages.Vmdk(4096, seed: 109))], Networks);

        var result = await fixture.Client.CallJsonAsync("list_ovf_networks", new { ovf_path = $"file:{name}/{name}.ovf" });

        Assert.Equal(name, result.GetProperty("virtual_system").GetString());
        Assert.Equal(2, result.GetProperty("count").GetInt32());
        var backend = result.GetProperty("networks").EnumerateArray().Single(network => network.GetProperty("name").GetString() == "Backend");
        Assert.Equal("The Backend network", backend.GetProperty("description").GetString());
        Assert.Equal("Network adapter 2", Assert.Single(backend.GetProperty("adapters").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task Lists_the_networks_of_an_ova_on_a_datastore_in_both_path_forms()
    {
        var name = fixture.UniqueName("ovanets");
        await fixture.WriteDatastoreFileAsync($"nets/{name}.ova", TestPackages.Ova(name, [new TestDisk("disk1.vmdk", TestPackages.Vmdk(4096, seed: 110))], Networks));

        var bracketed = await fixture.Client.CallJsonAsync("list_ovf_networks", new { ovf_path = $"[{OvfOpsFixture.Datastore}] nets/{name}.ova" });
        var withDatastore = await fixture.Client.CallJsonAsync("list_ovf_networks", new { ovf_path = $"nets/{name}.ova", datastore = OvfOpsFixture.Datastore });

        foreach (var result in new[] { bracketed, withDatastore })
        {
            Assert.Equal(Networks.Order(), result.GetProperty("networks").EnumerateArray().Select(network => network.GetProperty("name").GetString()).Order());
        }

        // A plain path with no datastore is neither guessed to be local nor on some datastore: the error gives the forms.
        var unplaced = await fixture.Client.CallErrorAsync("list_ovf_networks", new { ovf_path = $"nets/{name}.ova" });
        Assert.Contains($"'[datastore] nets/{name}.ova'", unplaced);
        Assert.Contains($"'file:nets/{name}.ova'", unplaced);
    }

    [Fact]
    public async Task Lists_the_networks_of_inline_content()
    {
        var result = await fixture.Client.CallJsonAsync("list_ovf_networks",
            new { ovf_content = TestPackages.Descriptor("inline", [new TestDisk("disk1.vmdk", TestPackages.Vmdk(4096, seed: 111))], ["Storage"]) });

        Assert.Equal("Storage", result.GetProperty("networks")[0].GetProperty("name").GetString());
        Assert.Equal("ovf_content", result.GetProperty("source").GetString());
    }

    [Fact]
    public async Task Content_that_is_not_an_ovf_is_refused_with_the_reason()
    {
        var notXml = await fixture.Client.CallErrorAsync("list_ovf_networks", new { ovf_content = "this is not xml" });
        var notOvf = await fixture.Client.CallErrorAsync("list_ovf_networks", new { ovf_content = "<html><body/></html>" });
        var missing = await fixture.Client.CallErrorAsync("list_ovf_networks", new { ovf_path = $"[{OvfOpsFixture.Datastore}] nowhere/none.ovf" });

        Assert.Contains("not a readable OVF descriptor", notXml);
        Assert.Contains("<html>", notOvf);
        Assert.Contains("does not exist", missing);
    }
}
