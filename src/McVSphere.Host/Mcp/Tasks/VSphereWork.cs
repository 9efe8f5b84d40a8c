using McVSphere.VSphere;
using McVSphere.VSphere.Vim;

namespace McVSphere.Host.Mcp.Tasks;

/// <summary>How a piece of vSphere work stands, as any session can read it.</summary>
/// <param name="Summary">One line for the task's statusMessage, e.g. "vSphere task task-12 (VirtualMachine.clone on web-01): 40%".</param>
/// <param name="Finished">Whether it has ended.</param>
/// <param name="Succeeded">Whether it ended well.</param>
/// <param name="Cancelled">Whether it ended because it was cancelled.</param>
/// <param name="Operation">What it does (the task type, or "OVF transfer").</param>
/// <param name="Entity">The object it works on.</param>
/// <param name="Result">What it produced, as "Type:value" (the new VM of a clone).</param>
/// <param name="Error">Why it failed.</param>
/// <param name="Started">When it started, where vSphere says.</param>
/// <param name="Completed">When it ended, where vSphere says.</param>
public sealed record VSphereWorkState(string Summary, bool Finished, bool Succeeded, bool Cancelled, string? Operation, string? Entity, string? Result,
    string? Error, DateTimeOffset? Started, DateTimeOffset? Completed);

/// <summary>
/// What an MCP task follows in vSphere: a Task, or the NFC lease of an OVF transfer (driven by the instance that runs the
/// call; vCenter's own task for the transfer is not named by the lease). Reads its state and cancels it from any session.
/// </summary>
public static class VSphereWork
{
    public const string TaskType = "Task";
    public const string LeaseType = "HttpNfcLease";

    /// <exception cref="VimFaultException">ManagedObjectNotFound when vCenter no longer knows it.</exception>
    public static async Task<VSphereWorkState> ReadAsync(VSphereClient client, ManagedObjectReference work, CancellationToken cancellationToken)
    {
        if (work.Type != LeaseType)
        {
            var info = await client.GetTaskInfoAsync(work, cancellationToken);
            var what = $"vSphere task {work.Value} ({info.DescriptionId ?? info.Name ?? "task"}{(info.EntityName is null ? "" : $" on {info.EntityName}")})";
            return new VSphereWorkState(
                info.State switch
                {
                    TaskInfoState.Queued => $"{what}: queued",
                    TaskInfoState.Running => $"{what}: {info.Progress ?? 0}%",
                    TaskInfoState.Success => $"{what}: succeeded",
                    _ => $"{what}: failed: {info.ErrorMessage}",
                },
                Finished: info.State is TaskInfoState.Success or TaskInfoState.Error,
                Succeeded: info.State == TaskInfoState.Success,
                Cancelled: info is { State: TaskInfoState.Error, Cancelled: true },
                info.DescriptionId ?? info.Name, info.EntityName,
                info.Result is ManagedObjectReference created ? $"{created.Type}:{created.Value}" : null,
                info.ErrorMessage, info.StartTime, info.CompleteTime);
        }
        var lease = await client.Properties.RetrieveAsync(work, ["state", "initializeProgress", "transferProgress", "error", "info.entity"], cancellationToken);
        var state = lease.GetString("state");
        var entity = lease.GetReference("info.entity");
        var error = lease.GetObject("error");
        var summary = $"NFC lease {work.Value} (OVF transfer{(entity is null ? "" : $" of {entity.Type}:{entity.Value}")})";
        return new VSphereWorkState(
            state switch
            {
                "initializing" => $"{summary}: initializing {lease.GetInt32("initializeProgress") ?? 0}%",
                "ready" => $"{summary}: transferring {lease.GetInt32("transferProgress") ?? 0}%",
                "done" => $"{summary}: done",
                _ => $"{summary}: failed: {error?.GetString("localizedMessage")}",
            },
            Finished: state is "done" or "error",
            Succeeded: state == "done",
            Cancelled: error?.GetObject("fault")?.TypeName == VimFaultTypes.RequestCanceled,
            "OVF transfer", entity is null ? null : $"{entity.Type}:{entity.Value}", entity is null ? null : $"{entity.Type}:{entity.Value}",
            error?.GetString("localizedMessage"), Started: null, Completed: null);
    }

    /// <summary>CancelTask, or HttpNfcLeaseAbort for a lease.</summary>
    /// <exception cref="VimFaultException">InvalidState when it has ended; NotSupported when vSphere does not let it be cancelled; ManagedObjectNotFound.</exception>
    public static Task CancelAsync(VSphereClient client, ManagedObjectReference work, string reason, CancellationToken cancellationToken) =>
        work.Type == LeaseType
            ? NfcLease.AbortLeaseAsync(client, work, reason, cancellationToken)
            : client.CancelTaskAsync(work, cancellationToken);
}
