using ModelContextProtocol.Client;
using Xunit;

namespace McVSphere.Testing;

/// <summary>
/// A simulator and the real host serving it over stdio, behind an MCP client: the fixture of end-to-end tool tests.
/// Derive to choose the simulator's inventory (<see cref="SimulatorFlags"/>) and the enabled plugins.
/// Tests that change the inventory should work on objects they create, or use a fixture of their own.
/// </summary>
public class SimulatorHostFixture : IAsyncLifetime
{
    private readonly LogLines _hostLog = new();

    public SimulatorProcess Simulator { get; private set; } = null!;

    public McpClient Client { get; private set; } = null!;

    /// <summary>The simulator's command-line flags; default: its standard VPX inventory.</summary>
    protected virtual string[] SimulatorFlags => [];

    /// <summary>MCVSPHERE_PLUGINS for the host; null enables every plugin.</summary>
    protected virtual string? Plugins => null;

    /// <summary>Extra settings for the host.</summary>
    protected virtual IReadOnlyDictionary<string, string?> HostSettings => new Dictionary<string, string?>();

    /// <summary>What the host logged on stderr so far.</summary>
    public string HostLog => _hostLog.ToString();

    /// <summary>Waits until the host logs a line that <paramref name="match"/> accepts (or has logged one), and returns it.</summary>
    public Task<string> WaitForHostLogAsync(Func<string, bool> match, string what) => _hostLog.WaitForAsync(match, what);

    public async Task InitializeAsync()
    {
        Simulator = await SimulatorProcess.StartAsync(SimulatorFlags);
        var environment = new Dictionary<string, string?>(Simulator.HostEnvironment) { ["MCVSPHERE_PLUGINS"] = Plugins };
        foreach (var (name, value) in HostSettings)
        {
            environment[name] = value;
        }
        Client = await HostProcess.StartStdioAsync(environment, _hostLog.Add);
    }

    public async Task DisposeAsync()
    {
        if (Client is not null)
        {
            await Client.DisposeAsync();
        }
        if (Simulator is not null)
        {
            await Simulator.DisposeAsync();
        }
    }
}
