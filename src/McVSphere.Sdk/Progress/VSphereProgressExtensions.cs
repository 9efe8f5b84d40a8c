using McVSphere.Sdk.Errors;
using McVSphere.VSphere.Tasks;
using ModelContextProtocol;

namespace McVSphere.Sdk.Progress;

/// <summary>
/// Bridges vSphere task progress to MCP progress notifications. A tool takes an
/// <c>IProgress&lt;ProgressNotificationValue&gt;</c> parameter (the MCP SDK binds it to the caller's progress token,
/// or to a no-op when there is none) and hands <c>progress.ForVSphereTask()</c> to the client's task waits.
/// </summary>
public static class VSphereProgressExtensions
{
    /// <summary>The name of the optional argument of long-running tools that bounds their task wait.</summary>
    public const string TimeoutArgument = "timeout_s";

    /// <summary>The description of <see cref="TimeoutArgument"/>, the same on every tool that takes it.</summary>
    public const string TimeoutArgumentDescription =
        "Seconds to wait for the vSphere task (default: the server's task time limit, 30 minutes unless configured). When they pass, the call " +
        "returns the task id while the task goes on in vCenter: the recent tasks show its state and cancel_task stops it.";

    /// <summary>The longest <see cref="TimeoutArgument"/> accepted: a day.</summary>
    public const int MaxTimeoutSeconds = 86_400;

    /// <summary>
    /// Reports each task update as <c>notifications/progress</c> with percent (of 100) and the task's description.
    /// <paramref name="timeoutSeconds"/> (a tool's <see cref="TimeoutArgument"/>) bounds the waits it is passed to.
    /// </summary>
    /// <exception cref="ToolException"><paramref name="timeoutSeconds"/> is out of range.</exception>
    public static IProgress<VSphereTaskProgress> ForVSphereTask(this IProgress<ProgressNotificationValue> progress, string? operation = null, int? timeoutSeconds = null)
    {
        ArgumentNullException.ThrowIfNull(progress);
        if (timeoutSeconds is < 1 or > MaxTimeoutSeconds)
        {
            throw ToolException.InvalidArgument(TimeoutArgument,
                $"{TimeoutArgument} is {timeoutSeconds}; give between 1 and {MaxTimeoutSeconds} seconds, or leave it out for the server's task time limit.");
        }
        return new TaskProgressAdapter(progress, operation, timeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
    }

    private sealed class TaskProgressAdapter(IProgress<ProgressNotificationValue> target, string? operation, TimeSpan? waitLimit)
        : IProgress<VSphereTaskProgress>, ITaskWaitLimit
    {
        public TimeSpan? WaitLimit => waitLimit;

        public void Report(VSphereTaskProgress value)
        {
            var description = string.IsNullOrEmpty(value.Description) ? operation : value.Description;
            target.Report(new ProgressNotificationValue
            {
                Progress = value.Percent,
                Total = 100,
                Message = description is null ? $"{value.Percent}%" : $"{description}: {value.Percent}%",
            });
        }
    }
}
