using McVSphere.VSphere.Tasks;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere;

/// <summary>A task did not finish within the time allowed. The task itself goes on in vCenter.</summary>
public sealed class VSphereTaskTimeoutException : VSphereException
{
    /// <summary>Creates the exception for a task that was still running when the wait gave up.</summary>
    public VSphereTaskTimeoutException(ManagedObjectReference task, TimeSpan timeout, VSphereTaskProgress? lastProgress)
        : base(DescribeTimeout(task, timeout, lastProgress))
    {
        Task = task;
        Timeout = timeout;
        LastProgress = lastProgress;
    }

    /// <summary>The task that was waited for.</summary>
    public ManagedObjectReference Task { get; }

    /// <summary>How long the wait lasted.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The last progress the task reported, if any.</summary>
    public VSphereTaskProgress? LastProgress { get; }

    private static string DescribeTimeout(ManagedObjectReference task, TimeSpan timeout, VSphereTaskProgress? lastProgress)
    {
        var progress = lastProgress is null ? "" : $" (last at {lastProgress.Percent}%{(lastProgress.Description is { } text ? ": " + text : "")})";
        return $"The vSphere task {task.Value} did not finish within {timeout.TotalSeconds:0.###} s{progress}. It goes on in vCenter: " +
            "check its state in the recent tasks before retrying.";
    }
}
