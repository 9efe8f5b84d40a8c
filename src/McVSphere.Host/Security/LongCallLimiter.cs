using McVSphere.Host.Configuration;
using McVSphere.Host.Plugins;

namespace McVSphere.Host.Security;

/// <summary>
/// How many long calls (tools that report progress: vSphere tasks, guest waits, transfers) each caller runs at once,
/// at most <see cref="McVSphereOptions.MaxLongCallsPerCaller"/> (MCVSPHERE_MAX_LONG_CALLS): one caller cannot fill
/// vCenter's task queue or the server's connections for everyone else.
/// </summary>
public sealed class LongCallLimiter(McVSphereOptions options)
{
    private readonly PerCallerSlots _slots = new(options.MaxLongCallsPerCaller);

    public int Limit => _slots.Limit;

    /// <summary>
    /// Takes one of <paramref name="caller"/>'s places for a call of <paramref name="tool"/>, released when the result
    /// is disposed; null when all are taken. A tool that is not long (or unknown) needs none.
    /// </summary>
    public IDisposable? TryEnter(Caller caller, ToolDescriptor? tool) =>
        tool is { IsLongRunning: true } ? _slots.TryTake(caller) : NoPlace.Instance;

    /// <summary>The error of a call refused because <paramref name="caller"/> runs <see cref="Limit"/> long calls already.</summary>
    public string RefusalMessage(Caller caller, string tool) =>
        $"Too many long calls at once: user '{caller.User}' already runs {Limit} (the limit per caller, {HostSettings.MaxLongCallsPerCaller.Name}). " +
        $"Wait for one of them to finish (list_recent_tasks shows the vSphere tasks), then call '{tool}' again.";

    private sealed class NoPlace : IDisposable
    {
        public static readonly NoPlace Instance = new();

        public void Dispose()
        {
        }
    }
}
