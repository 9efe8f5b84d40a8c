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
    /// <summary>Reports each task update as <c>notifications/progress</c> with percent (of 100) and the task's description.</summary>
    public static IProgress<VSphereTaskProgress> ForVSphereTask(this IProgress<ProgressNotificationValue> progress, string? operation = null)
    {
        ArgumentNullException.ThrowIfNull(progress);
        return new TaskProgressAdapter(progress, operation);
    }

    private sealed class TaskProgressAdapter(IProgress<ProgressNotificationValue> target, string? operation) : IProgress<VSphereTaskProgress>
    {
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
