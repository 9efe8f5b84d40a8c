namespace McVSphere.VSphere.Vim;

/// <summary>A task's state (<c>TaskInfoState</c>).</summary>
public enum TaskInfoState
{
    /// <summary>A value this client does not know.</summary>
    Unknown,
    /// <summary>Waiting to run.</summary>
    Queued,
    /// <summary>Running.</summary>
    Running,
    /// <summary>Finished successfully.</summary>
    Success,
    /// <summary>Failed; see <see cref="TaskInfo.ErrorFaultType"/>.</summary>
    Error,
}

/// <summary>
/// What a task is and how it went (<c>Task.info</c>), e.g. for a list of recent tasks. <see cref="Entity"/> is read
/// whatever its type: snapshot tasks of the simulator put the snapshot there, vCenter the VM.
/// </summary>
/// <param name="Task">The task.</param>
/// <param name="Name">The method, e.g. <c>PowerOnVM_Task</c> (null for system tasks).</param>
/// <param name="DescriptionId">The task type id, e.g. <c>VirtualMachine.powerOn</c>.</param>
/// <param name="Entity">The object the task works on.</param>
/// <param name="EntityName">Its name, as the server reports it.</param>
/// <param name="State">Its state.</param>
/// <param name="Progress">Percent done, while running.</param>
/// <param name="Cancelable">Whether it can be cancelled.</param>
/// <param name="Cancelled">Whether cancellation was requested.</param>
/// <param name="ErrorFaultType">The fault type of a failed task.</param>
/// <param name="ErrorMessage">The message of a failed task.</param>
/// <param name="Result">The result of a successful task (the new VM, the snapshot...).</param>
/// <param name="UserName">Who started it, for user-started tasks.</param>
/// <param name="QueueTime">When it was queued.</param>
/// <param name="StartTime">When it started.</param>
/// <param name="CompleteTime">When it finished.</param>
public sealed record TaskInfo(
    ManagedObjectReference Task,
    string? Name,
    string? DescriptionId,
    ManagedObjectReference? Entity,
    string? EntityName,
    TaskInfoState State,
    int? Progress,
    bool Cancelable,
    bool Cancelled,
    string? ErrorFaultType,
    string? ErrorMessage,
    VimValue? Result,
    string? UserName,
    DateTimeOffset? QueueTime,
    DateTimeOffset? StartTime,
    DateTimeOffset? CompleteTime)
{
    /// <summary>The property that holds it.</summary>
    public const string PropertyPath = "info";

    /// <summary>Reads a <c>TaskInfo</c> data object.</summary>
    public static TaskInfo From(VimObject info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var fault = info.GetObject("error.fault");
        var error = info.GetObject("error") is null ? null : VimFaults.Create(fault?.TypeName ?? "SystemError", info.GetString("error.localizedMessage"), fault);
        return new TaskInfo(
            info.GetReference("task") ?? new ManagedObjectReference("Task", info.GetString("key") ?? "unknown"),
            info.GetString("name"),
            info.GetString("descriptionId"),
            info.GetReference("entity"),
            info.GetString("entityName"),
            info.GetEnum("state", TaskInfoState.Unknown) ?? TaskInfoState.Unknown,
            info.GetInt32("progress"),
            info.GetBoolean("cancelable") ?? false,
            info.GetBoolean("cancelled") ?? false,
            error?.FaultType,
            error?.Message,
            info["result"],
            info.GetString("reason.userName"),
            info.GetDateTime("queueTime"),
            info.GetDateTime("startTime"),
            info.GetDateTime("completeTime"));
    }
}
