using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McVSphere.Plugins.Inventory.Tests;

[Collection(InventoryCollection.Name)]
public class ResourceTests(InventoryFixture fixture)
{
    [Fact]
    public async Task The_inventory_resources_are_listed_as_json()
    {
        var resources = await fixture.Client.ListResourcesAsync();
        var templates = await fixture.Client.ListResourceTemplatesAsync();

        Assert.Equal(
            ["esxi://clusters", "esxi://datastores", "esxi://hosts", "esxi://networks", "esxi://resource-pools", "esxi://vms"],
            resources.Select(resource => resource.Uri).Order(StringComparer.Ordinal));
        Assert.All(resources, resource => Assert.Equal("application/json", resource.ProtocolResource.MimeType));
        var datastoreFiles = Assert.Single(templates, template => template.UriTemplate == "datastore://{datastore_name}");
        Assert.Equal("application/json", datastoreFiles.ProtocolResourceTemplate.MimeType);
    }

    [Fact]
    public async Task Vms_and_hosts_resources_match_the_listings()
    {
        var vms = await ReadAsync("esxi://vms");
        var hosts = await ReadAsync("esxi://hosts");

        Assert.Equal(4, vms.Int("total"));
        Assert.Equal(["DC0_C0_RP0_VM0", "DC0_C0_RP0_VM1", "DC0_H0_VM0", "DC0_H0_VM1"], vms.Items().Strings());
        Assert.Equal(["poweredOn", "poweredOff", "poweredOn", "poweredOff"], vms.Items().Strings("power_state"));
        Assert.Equal(["otherGuest"], vms.Items().Strings("guest_os").Distinct());
        Assert.Equal(["DC0_C0_H0", "DC0_C0_H1", "DC0_C0_H2", "DC0_H0"], hosts.Items().Strings());
    }

    [Fact]
    public async Task Datastore_network_cluster_and_pool_resources_hold_the_inventory()
    {
        var datastores = await ReadAsync("esxi://datastores");
        var networks = await ReadAsync("esxi://networks");
        var clusters = await ReadAsync("esxi://clusters");
        var pools = await ReadAsync("esxi://resource-pools");

        var datastore = Assert.Single(datastores.Items());
        Assert.Equal("LocalDS_0", datastore.String("name"));
        Assert.True(datastore.Double("capacity_gb") > 0);
        Assert.InRange(datastore.Double("free_gb"), 0, datastore.Double("capacity_gb"));
        var byName = networks.Items().ToDictionary(network => network.String("name")!);
        Assert.Equal("Network", byName["VM Network"].String("type"));
        Assert.Equal("DVS0", byName["DC0_DVPG0"].String("switch"));
        Assert.Equal(3, networks.Int("total"));
        Assert.Equal(["DC0_C0"], clusters.Items().Strings());
        Assert.Equal(3, clusters.Items()[0].Int("host_count"));
        Assert.Equal(["DC0/host/DC0_C0/Resources", "DC0/host/DC0_H0/Resources"], pools.Items().Strings("path"));
    }

    [Fact]
    public async Task Datastore_template_lists_the_root_of_a_datastore()
    {
        var files = await ReadAsync("datastore://LocalDS_0");

        Assert.Equal("LocalDS_0", files.String("datastore"));
        Assert.Equal(["DC0_C0_RP0_VM0", "DC0_C0_RP0_VM1", "DC0_H0_VM0", "DC0_H0_VM1"], files.Array("files").Strings());
    }

    [Fact]
    public async Task Datastore_template_of_an_unknown_datastore_names_the_closest()
    {
        var error = await Assert.ThrowsAsync<McpProtocolException>(() => fixture.Client.ReadResourceAsync("datastore://LocalDS_9").AsTask());

        Assert.Equal(McpErrorCode.ResourceNotFound, error.ErrorCode);
        Assert.Contains("'LocalDS_0'", error.Message);
    }

    private async Task<JsonElement> ReadAsync(string uri)
    {
        var result = await fixture.Client.ReadResourceAsync(uri);
        var contents = Assert.IsType<TextResourceContents>(Assert.Single(result.Contents));
        Assert.Equal("application/json", contents.MimeType);
        Assert.Equal(uri, contents.Uri);
        return JsonDocument.Parse(contents.Text).RootElement.Clone();
    }
}
