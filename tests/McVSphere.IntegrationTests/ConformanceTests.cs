using McVSphere.Testing;

namespace McVSphere.IntegrationTests;

/// <summary>The MCP conformance suite (npm @modelcontextprotocol/conformance) against the real host and its plugins over HTTP.</summary>
public class ConformanceTests : IAsyncLifetime
{
    private static readonly string Baseline = Path.Combine(AppContext.BaseDirectory, "conformance-baseline.yml");

    private SimulatorProcess _simulator = null!;

    public async Task InitializeAsync() => _simulator = await SimulatorProcess.StartAsync();

    public async Task DisposeAsync() => await _simulator.DisposeAsync();

    [Fact]
    public async Task Every_active_scenario_that_needs_no_fixture_of_the_suite_passes()
    {
        await using var host = await HostProcess.StartHttpAsync(new Dictionary<string, string?>(_simulator.HostEnvironment)
        {
            // The suite opens a session per scenario and closes none.
            ["MCVSPHERE_MAX_SESSIONS_PER_USER"] = "1000",
        });

        var (exitCode, output) = await NodeTools.RunConformanceAsync(host.McpEndpoint, "--suite", "active", "--expected-failures", Baseline);

        Assert.True(exitCode == 0, $"conformance exited with {exitCode}:\n{output}");
        Assert.Contains("Baseline check passed", output);
    }
}
