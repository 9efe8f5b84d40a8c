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
    private readonly List<string> _hostLog = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _logWaiters = [];

    public SimulatorProcess Simulator { get; private set; } = null!;

    public McpClient Client { get; private set; } = null!;

    /// <summary>The simulator's command-line flags; default: its standard VPX inventory.</summary>
    protected virtual string[] SimulatorFlags => [];

    /// <summary>MCVSPHERE_PLUGINS for the host; null enables every plugin.</summary>
    protected virtual string? Plugins => null;

    /// <summary>Extra settings for the host.</summary>
    protected virtual IReadOnlyDictionary<string, string?> HostSettings => new Dictionary<string, string?>();

    /// <summary>What the host logged on stderr so far.</summary>
    public string HostLog
    {
        get
        {
            lock (_hostLog)
            {
                return string.Join(Environment.NewLine, _hostLog);
            }
        }
    }

    /// <summary>Waits until the host logs a line that <paramref name="match"/> accepts (or has logged one), and returns it.</summary>
    public async Task<string> WaitForHostLogAsync(Func<string, bool> match, string what)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_hostLog)
        {
            if (_hostLog.FirstOrDefault(match) is { } line)
            {
                return line;
            }
            _logWaiters.Add((match, found));
        }
        try
        {
            return await found.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"The host did not log {what} within 60 s. It logged:{Environment.NewLine}{HostLog}");
        }
    }

    public async Task InitializeAsync()
    {
        Simulator = await SimulatorProcess.StartAsync(SimulatorFlags);
        var environment = new Dictionary<string, string?>(Simulator.HostEnvironment) { ["MCVSPHERE_PLUGINS"] = Plugins };
        foreach (var (name, value) in HostSettings)
        {
            environment[name] = value;
        }
        Client = await HostProcess.StartStdioAsync(environment, line =>
        {
            lock (_hostLog)
            {
                _hostLog.Add(line);
                foreach (var waiter in _logWaiters.Where(waiter => waiter.Match(line)).ToList())
                {
                    waiter.Found.TrySetResult(line);
                    _logWaiters.Remove(waiter);
                }
            }
        });
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
