using McVSphere.Testing;
using ModelContextProtocol.Client;

namespace McVSphere.Plugins.Inventory.Tests;

/// <summary>Parity with the tool catalog: the Inventory family serves its 23 tools with the catalog's parameter names.</summary>
[Collection(InventoryCollection.Name)]
public class CatalogTests(InventoryFixture fixture)
{
    /// <summary>Each tool and the catalog's parameters (optional ones marked '?'); tools may take more optional filters.</summary>
    private static readonly Dictionary<string, string[]> Catalog = new()
    {
        ["list_vms"] = [],
        ["get_vm_info"] = ["name"],
        ["list_hosts"] = [],
        ["list_clusters"] = [],
        ["get_cluster_info"] = ["cluster_name"],
        ["list_templates"] = [],
        ["list_folders"] = [],
        ["list_resource_pools"] = ["cluster_name?"],
        ["get_resource_pool_info"] = ["name?"],
        ["get_datastore_info"] = ["name"],
        ["browse_datastore"] = ["datastore", "path?"],
        ["get_network_info"] = ["name"],
        ["get_vcenter_info"] = [],
        ["get_alarms"] = [],
        ["get_recent_events"] = ["count?", "hours?"],
        ["list_recent_events"] = ["max_count?", "event_types?", "hours_back?"],
        ["get_recent_tasks"] = ["count?"],
        ["list_recent_tasks"] = ["max_count?", "entity_name?"],
        ["list_tags"] = ["category_name?"],
        ["get_vm_tags"] = ["vm_name"],
        ["get_drs_recommendations"] = ["cluster_name"],
        ["get_vm_stats"] = ["name"],
        ["get_host_stats"] = ["host_name?"],
    };

    [Fact]
    public async Task Inventory_serves_the_catalogs_tools_read_only_with_its_parameters()
    {
        var tools = (await fixture.Client.ListToolsAsync()).ToDictionary(tool => tool.Name);

        Assert.Equal(Catalog.Keys.Order(StringComparer.Ordinal), tools.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, parameters) in Catalog)
        {
            var tool = tools[name].ProtocolTool;
            Assert.True(tool.Annotations?.ReadOnlyHint, $"{name} is not read-only");
            Assert.Equal("READ_ONLY", tool.Meta!["io.mcvsphere/permission"]!.GetValue<string>());
            Assert.False(string.IsNullOrWhiteSpace(tool.Description), $"{name} has no description");
            var properties = tool.InputSchema.TryGetProperty("properties", out var schema)
                ? schema.EnumerateObject().Select(property => property.Name).ToHashSet()
                : [];
            var required = tool.InputSchema.TryGetProperty("required", out var list)
                ? list.EnumerateArray().Select(item => item.GetString()!).ToHashSet()
                : [];
            foreach (var parameter in parameters)
            {
                var parameterName = parameter.TrimEnd('?');
                Assert.True(properties.Contains(parameterName), $"{name} lacks {parameterName}");
                Assert.Equal(!parameter.EndsWith('?'), required.Contains(parameterName));
            }
            Assert.All(required, parameter => Assert.Contains(parameter, parameters));
        }
    }

    [Fact]
    public async Task Get_vcenter_info_describes_the_simulator()
    {
        var info = await fixture.Client.CallJsonAsync("get_vcenter_info");

        Assert.Equal("VMware vCenter Server", info.String("name"));
        Assert.Equal("VirtualCenter", info.String("api_type"));
        Assert.Equal("6.5", info.String("api_version"));
        Assert.Equal(fixture.Simulator.User, info.String("user"));
    }
}
