using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Tasks;

/// <summary>
/// Tells the code that runs a piece of work which vSphere tasks the work starts, as it starts them, and the NFC leases
/// of its OVF transfers (which this client drives: vCenter's task for one is not named by the lease). The MCP host uses
/// it to answer a long call with a handle that names what it waits for. It follows the async flow (like an
/// <see cref="AsyncLocal{T}"/>), so concurrent calls each see only their own.
/// </summary>
public static class TaskStartObserver
{
    private static readonly AsyncLocal<Action<ManagedObjectReference>?> Current = new();

    /// <summary>
    /// Calls <paramref name="onStarted"/> for each task started (or lease acquired) from here on in this async flow and the flows it starts,
    /// until the returned scope is disposed.
    /// </summary>
    public static IDisposable Observe(Action<ManagedObjectReference> onStarted)
    {
        ArgumentNullException.ThrowIfNull(onStarted);
        var previous = Current.Value;
        Current.Value = onStarted;
        return new Scope(previous);
    }

    internal static void Report(ManagedObjectReference task) => Current.Value?.Invoke(task);

    private sealed class Scope(Action<ManagedObjectReference>? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
