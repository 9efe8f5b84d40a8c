using System.ComponentModel;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Safety;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Vim;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.VmLifecycle;

/// <summary>vSphere tasks.</summary>
[McpServerToolType]
public sealed class TaskTools(IVSphereSession session)
{
    /// <summary>How long cancel_task waits for vSphere to wind the task down before reporting its state.</summary>
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(15);

    [McpServerTool(Name = "cancel_task", Idempotent = true, UseStructuredContent = true)]
    [Description("Cancels a running vSphere task (clone, relocation, migration, snapshot creation... whatever vSphere marks cancelable), " +
        "waits briefly for it to stop, and reports its final state. Says so when it was already cancelled; refuses a finished task.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("cancel vSphere task {task_id}")]
    public async Task<TaskCancellation> CancelTask(
        [Description("The task's id, e.g. \"task-123\" (as recent tasks list it).")] string task_id,
        CancellationToken cancellationToken = default)
    {
        var client = session.Client;
        var task = ParseTaskId(task_id);
        var info = await ReadAsync(task, task_id, cancellationToken);
        if (info.Cancelled)
        {
            return TaskCancellation.From(info, $"Task {task.Value} was already cancelled.", alreadyInState: true);
        }
        if (info.State is TaskInfoState.Success or TaskInfoState.Error)
        {
            throw ToolException.Refused($"Task {task.Value} ({Describe(info)}) has already finished ({info.State.ToString().ToLowerInvariant()}), so it cannot be cancelled.",
                nameof(task_id));
        }
        if (!info.Cancelable)
        {
            throw ToolException.Refused($"vSphere does not let task {task.Value} ({Describe(info)}) be cancelled; it has to run to its end.", nameof(task_id));
        }

        await client.CancelTaskAsync(task, cancellationToken);
        try
        {
            await client.WaitForTaskAsync(task, timeout: SettleTime, cancellationToken: cancellationToken);
        }
        catch (VimFaultException)
        {
            // The expected end: the task fails with RequestCanceled (or failed on its own meanwhile). Its state is read below.
        }
        catch (VSphereTaskTimeoutException)
        {
            // Cancellation is asynchronous in vSphere: report the state it has now.
        }
        var final = await ReadAsync(task, task_id, cancellationToken);
        return TaskCancellation.From(final, final.State == TaskInfoState.Running
            ? $"Asked vSphere to cancel task {task.Value}; it is still winding down."
            : $"Cancelled task {task.Value}.");
    }

    /// <summary>Accepts "task-123" or the reference form "Task:task-123".</summary>
    private static ManagedObjectReference ParseTaskId(string taskId)
    {
        if (string.IsNullOrWhiteSpace(taskId))
        {
            throw ToolException.InvalidArgument("task_id", "task_id is required: give a task's id such as \"task-123\".");
        }
        var id = taskId.Trim();
        return id.StartsWith("Task:", StringComparison.OrdinalIgnoreCase) ? new ManagedObjectReference("Task", id["Task:".Length..]) : new ManagedObjectReference("Task", id);
    }

    private async Task<TaskInfo> ReadAsync(ManagedObjectReference task, string taskId, CancellationToken cancellationToken)
    {
        try
        {
            return await session.Client.GetTaskInfoAsync(task, cancellationToken);
        }
        catch (VimFaultException fault) when (fault.FaultType == VimFaultTypes.ManagedObjectNotFound)
        {
            throw new ToolException(ToolErrorKind.NotFound,
                $"vSphere has no task '{taskId}' (finished tasks are forgotten after a while). The recent tasks list shows current ids.", "task_id");
        }
    }

    private static string Describe(TaskInfo info) => $"{info.Name ?? info.DescriptionId ?? "task"} on {info.EntityName ?? info.Entity?.Value ?? "?"}";
}

/// <summary>The result of cancel_task: the task's state read back from vSphere.</summary>
/// <param name="TaskId">The task's id.</param>
/// <param name="Operation">What it does, e.g. CloneVM_Task.</param>
/// <param name="Entity">What it works on, as vSphere names it.</param>
/// <param name="State">queued, running, success or error.</param>
/// <param name="Cancelled">Whether cancellation was requested.</param>
/// <param name="Error">The fault it ended with, e.g. RequestCanceled.</param>
/// <param name="Message">What was done.</param>
/// <param name="AlreadyInState">True when it had been cancelled before.</param>
public sealed record TaskCancellation(string TaskId, string? Operation, string? Entity, string State, bool Cancelled, string? Error, string Message,
    bool AlreadyInState = false)
{
    internal static TaskCancellation From(TaskInfo info, string message, bool alreadyInState = false) => new(
        info.Task.Value, info.Name ?? info.DescriptionId, info.EntityName, info.State.ToString().ToLowerInvariant(), info.Cancelled,
        info.ErrorFaultType, message, alreadyInState);
}
