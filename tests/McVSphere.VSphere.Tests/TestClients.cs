using McVSphere.VSphere.Tasks;
using Microsoft.Extensions.Logging;

namespace McVSphere.VSphere.Tests;

/// <summary>Clients for a simulator, with the log lines they wrote.</summary>
internal static class TestClients
{
    public static VSphereConnectionOptions Options(SimulatorInstance simulator, string? password = null) => new()
    {
        Server = simulator.Url.ToString(),
        User = simulator.User,
        Password = password ?? simulator.Password,
        KeepAliveInterval = null,
        RequestTimeout = TimeSpan.FromSeconds(30),
    };

    public static VSphereClient Create(SimulatorInstance simulator, RecordingLoggerFactory? logs = null) =>
        new(Options(simulator), logs);
}

/// <summary>Keeps every log line (with its level) for assertions, e.g. how many logins a scenario took.</summary>
internal sealed class RecordingLoggerFactory : ILoggerFactory, ILogger
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToArray();
            }
        }
    }

    public int Count(string fragment) => Lines.Count(line => line.Contains(fragment, StringComparison.Ordinal));

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines)
        {
            _lines.Add($"{logLevel}: {formatter(state, exception)}");
        }
    }
}

/// <summary>Records reports synchronously (<see cref="Progress{T}"/> would post them to the thread pool).</summary>
internal sealed class RecordingProgress : IProgress<VSphereTaskProgress>
{
    private readonly List<VSphereTaskProgress> _reports = [];

    public IReadOnlyList<VSphereTaskProgress> Reports
    {
        get
        {
            lock (_reports)
            {
                return _reports.ToArray();
            }
        }
    }

    public void Report(VSphereTaskProgress value)
    {
        lock (_reports)
        {
            _reports.Add(value);
        }
    }
}
