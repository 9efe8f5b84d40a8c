using System.Collections.Concurrent;
using McVSphere.VSphere.Vim;
using ModelContextProtocol.Protocol;

namespace McVSphere.Host.Mcp.Tasks;

/// <summary>
/// One tool call this instance runs in the background for an MCP task: the tool's own result, once it has one, is
/// what <c>tasks/get</c> answers here. Other instances answer from the vSphere task alone.
/// </summary>
public sealed class TaskRun(string tool)
{
    private readonly TaskCompletionSource<ManagedObjectReference> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Tool { get; } = tool;

    /// <summary>Cancels the call: its task waits then cancel the vSphere task (<see cref="VSphere.Tasks.TaskWaiter"/>).</summary>
    public CancellationTokenSource Cancellation { get; } = new();

    /// <summary>The first vSphere task (or NFC lease) the call started, which the MCP task names.</summary>
    public Task<ManagedObjectReference> Started => _started.Task;

    /// <summary>The call itself.</summary>
    public Task<CallToolResult> Execution { get; set; } = Task.FromResult(new CallToolResult());

    /// <summary>When the call ended, for expiry.</summary>
    public DateTimeOffset? EndedAt { get; set; }

    public bool CancelRequested => Cancellation.IsCancellationRequested;

    public void OnTaskStarted(ManagedObjectReference task) => _started.TrySetResult(task);
}

/// <summary>The <see cref="TaskRun"/>s of this instance, by the target and vSphere work they started, kept for <see cref="TasksExtension.TimeToLive"/> after they end.</summary>
public sealed class TaskRuns(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, TaskRun> _runs = new(StringComparer.Ordinal);

    public void Add(string target, ManagedObjectReference work, TaskRun run)
    {
        var expired = time.GetUtcNow() - TasksExtension.TimeToLive;
        foreach (var (key, old) in _runs.Where(entry => entry.Value.EndedAt < expired).ToList())
        {
            _runs.TryRemove(key, out _);
            old.Cancellation.Dispose();
        }
        _runs[Key(target, work)] = run;
        _ = run.Execution.ContinueWith(_ => run.EndedAt = time.GetUtcNow(), TaskScheduler.Default);
    }

    public TaskRun? Find(string target, ManagedObjectReference work) => _runs.GetValueOrDefault(Key(target, work));

    private static string Key(string target, ManagedObjectReference work) => $"{target}\n{work.Type}:{work.Value}";
}
