using McVSphere.Testing;
using ModelContextProtocol.Client;

namespace McVSphere.IntegrationTests;

/// <summary>The host against the simulator through the MCP SDK's client, over stdio and over HTTP.</summary>
public class HostEndToEndTests : IAsyncLifetime
{
    private SimulatorProcess _simulator = null!;

    public async Task InitializeAsync() => _simulator = await SimulatorProcess.StartAsync();

    public async Task DisposeAsync() => await _simulator.DisposeAsync();

    private Dictionary<string, string?> Environment(string? plugins = null) =>
        new(_simulator.HostEnvironment) { ["MCVSPHERE_PLUGINS"] = plugins };

    [Fact]
    public async Task Stdio_initializes_lists_tools_and_calls_one_against_the_simulator()
    {
        await using var client = await HostProcess.StartStdioAsync(Environment());

        Assert.Equal("mcvsphere", client.ServerInfo?.Name);
        await AssertServesVCenterInfo(client);
    }

    [Fact]
    public async Task Http_initializes_lists_tools_and_calls_one_against_the_simulator()
    {
        await using var host = await HostProcess.StartHttpAsync(Environment());
        await using var client = await host.ConnectAsync();

        Assert.Equal("mcvsphere", client.ServerInfo?.Name);
        await AssertServesVCenterInfo(client);
    }

    [Fact]
    public async Task Only_the_enabled_families_exist_for_clients()
    {
        await using var all = await HostProcess.StartStdioAsync(Environment());
        await using var inventoryOnly = await HostProcess.StartStdioAsync(Environment(plugins: "Inventory"));

        var allFamilies = (await all.ListToolsAsync()).Select(Family).ToHashSet();
        var served = await inventoryOnly.ListToolsAsync();

        Assert.True(allFamilies.Count > 1, $"expected several families, got {string.Join(", ", allFamilies)}");
        Assert.NotEmpty(served);
        Assert.All(served, tool => Assert.Equal("Inventory", Family(tool)));
    }

    private static string Family(McpClientTool tool) => tool.ProtocolTool.Meta!["io.mcvsphere/family"]!.GetValue<string>();

    private async Task AssertServesVCenterInfo(McpClient client)
    {
        var tools = await client.ListToolsAsync();
        var info = Assert.Single(tools, t => t.Name == "get_vcenter_info");
        Assert.True(info.ProtocolTool.Annotations!.ReadOnlyHint);

        var result = await client.CallJsonAsync("get_vcenter_info");

        Assert.Equal("VMware vCenter Server", result.GetProperty("name").GetString());
        Assert.Equal("VirtualCenter", result.GetProperty("api_type").GetString());
        Assert.Equal(_simulator.User, result.GetProperty("user").GetString());
        Assert.False(result.GetProperty("simulator").GetBoolean());
    }
}
