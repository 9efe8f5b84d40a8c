namespace McVSphere.Plugins.VmLifecycle.Tests;

/// <summary>The plugin loads and serves its tools.</summary>
public sealed class PluginLoadTests(VmLifecycleFixture fixture) : IClassFixture<VmLifecycleFixture>
{
    [Fact]
    public async Task Serves_the_vm_lifecycle_tools()
    {
        var tools = await fixture.Client.ListToolsAsync();
        Assert.Contains(tools, tool => tool.Name == "power_on");
    }
}
