using McVSphere.Testing;

namespace McVSphere.IntegrationTests;

/// <summary>The third-party sample, built against the Sdk alone, installed by copying its build output into a plugins directory.</summary>
public class SamplePluginTests
{
    [Fact]
    public async Task Its_tool_is_listed_and_callable_against_the_simulator()
    {
        var pluginDirectory = Directory.CreateTempSubdirectory("mcvsphere-plugins-");
        try
        {
            CopyDirectory(Path.Combine(AppContext.BaseDirectory, "sample-plugins", "PowerStateReport"), Path.Combine(pluginDirectory.FullName, "PowerStateReport"));
            await using var simulator = await SimulatorProcess.StartAsync("-vm", "3");
            var environment = new Dictionary<string, string?>(simulator.HostEnvironment) { ["MCVSPHERE_PLUGIN_DIR"] = pluginDirectory.FullName };
            await using var client = await HostProcess.StartStdioAsync(environment);

            var tools = await client.ListToolsAsync();
            var report = await client.CallJsonAsync("count_vms_by_power_state");

            Assert.Equal(["count_vms_by_power_state"], tools.Select(t => t.Name));
            // The default inventory has a cluster pool and a standalone host, each with 3 VMs here, all powered on.
            Assert.Equal(6, report.GetProperty("total").GetInt32());
            Assert.Equal(6, report.GetProperty("by_power_state").GetProperty("poweredOn").GetInt32());
        }
        finally
        {
            pluginDirectory.Delete(recursive: true);
        }
    }

    private static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
