using McVSphere.Host.Configuration;
using McVSphere.Host.Plugins;

namespace McVSphere.Host.Security;

/// <summary>
/// How many long calls (tools that report progress: vSphere tasks, guest waits, transfers) each caller runs at once,
/// at most <see cref="McVSphereOptions.MaxLongCallsPerCaller"/> (MCVSPHERE_MAX_LONG_CALLS): one caller cannot fill
/// vCenter's task queue or the server's connections for everyone else. A caller is a token's issuer and subject (a
/// display name can be shared), or the local user without OAuth.
/// </summary>
public sealed class LongCallLimiter(McVSphereOptions options)
{
    private readonly Dictionary<string, int> _running = [];

    public int Limit => options.MaxLongCallsPerCaller;

    /// <summary>
    /// Takes one of <paramref name="caller"/>'s places for a call of <paramref name="tool"/>, released when the result
    /// is disposed; null when all are taken. A tool that is not long (or unknown) needs none.
    /// </summary>
    public IDisposable? TryEnter(Caller caller, ToolDescriptor? tool)
    {
        if (tool is not { IsLongRunning: true })
        {
            return NoPlace.Instance;
        }
        var key = Key(caller);
        lock (_running)
        {
            var running = _running.GetValueOrDefault(key);
            if (running >= Limit)
            {
                return null;
            }
            _running[key] = running + 1;
        }
        return new Place(this, key);
    }

    /// <summary>The error of a call refused because <paramref name="caller"/> runs <see cref="Limit"/> long calls already.</summary>
    public string RefusalMessage(Caller caller, string tool) =>
        $"Too many long calls at once: user '{caller.User}' already runs {Limit} (the limit per caller, {HostSettings.MaxLongCallsPerCaller.Name}). " +
        $"Wait for one of them to finish (list_recent_tasks shows the vSphere tasks), then call '{tool}' again.";

    private static string Key(Caller caller) => caller.Subject is null ? caller.User : $"{caller.Issuer}\n{caller.Subject}";

    private void Leave(string key)
    {
        lock (_running)
        {
            if (_running[key] <= 1)
            {
                _running.Remove(key);
            }
            else
            {
                _running[key]--;
            }
        }
    }

    private sealed class NoPlace : IDisposable
    {
        public static readonly NoPlace Instance = new();

        public void Dispose()
        {
        }
    }

    private sealed class Place(LongCallLimiter limiter, string key) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                limiter.Leave(key);
            }
        }
    }
}
