using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere;

/// <summary>What became of a vSphere task whose wait was cancelled.</summary>
public enum CancelledTaskOutcome
{
    /// <summary>vCenter cancelled the task (it ended with <c>RequestCanceled</c>).</summary>
    Cancelled,

    /// <summary>The task ran to completion: vCenter could not cancel it, or it finished before the cancel took effect.</summary>
    Succeeded,

    /// <summary>The task ended with a fault other than the cancellation.</summary>
    Failed,

    /// <summary>The task was still running when the server stopped following it.</summary>
    StillRunning,

    /// <summary>The task's state could not be read after the cancellation.</summary>
    Unknown,
}

/// <summary>
/// The wait for a task was cancelled by the caller. vCenter was asked to cancel the task, which it may refuse (power
/// operations, reconfiguration and destroy are not cancelable); the message says what really happened to the task,
/// so that the audit records the outcome and not only "cancelled".
/// </summary>
public sealed class VSphereTaskCancelledException : OperationCanceledException
{
    /// <summary>Creates the exception for <paramref name="task"/>, cancelled through <paramref name="cancellationToken"/>.</summary>
    public VSphereTaskCancelledException(ManagedObjectReference task, CancelledTaskOutcome outcome, string? cancelRefusal, string? taskError,
        CancellationToken cancellationToken)
        : base(Describe(task, outcome, cancelRefusal, taskError), cancellationToken)
    {
        Task = task;
        Outcome = outcome;
        CancelRefusal = cancelRefusal;
    }

    /// <summary>The task that was waited for.</summary>
    public ManagedObjectReference Task { get; }

    /// <summary>What became of the task.</summary>
    public CancelledTaskOutcome Outcome { get; }

    /// <summary>Why vCenter refused CancelTask (e.g. <c>NotSupported: ...</c>), or null when it accepted it.</summary>
    public string? CancelRefusal { get; }

    private static string Describe(ManagedObjectReference task, CancelledTaskOutcome outcome, string? cancelRefusal, string? taskError)
    {
        var asked = cancelRefusal is null
            ? $"The call was cancelled and vCenter was asked to cancel task {task.Value}"
            : $"The call was cancelled, but vCenter refused to cancel task {task.Value} ({cancelRefusal})";
        return outcome switch
        {
            CancelledTaskOutcome.Cancelled => $"{asked}: the task was cancelled.",
            CancelledTaskOutcome.Succeeded => $"{asked}: the task ran on and succeeded.",
            CancelledTaskOutcome.Failed => $"{asked}: the task failed: {taskError}",
            CancelledTaskOutcome.StillRunning => $"{asked}: the task is still running in vCenter; check its state in the recent tasks.",
            _ => $"{asked}: its outcome could not be read ({taskError}); check its state in the recent tasks.",
        };
    }
}
