using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using McVSphere.Host.Hosting;
using McVSphere.Host.Security;
using McVSphere.VSphere;
using McVSphere.VSphere.Vim;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McVSphere.Host.Mcp.Tasks;

/// <summary>
/// <c>tasks/get</c>, <c>tasks/update</c> and <c>tasks/cancel</c>. The instance that runs the call answers with the
/// tool's own result once it has one; any other instance reads the vSphere work the id names (<see cref="VSphereWork"/>:
/// state, progress, result or fault) and cancels it there. A caller sees and cancels a task only when their level
/// allows the tool that started it; bare vSphere task ids are for FULL_ADMIN.
/// </summary>
public static class TaskRequestHandlers
{
    public static async ValueTask<JsonNode?> GetAsync(RequestContext<JsonNode?> context, CancellationToken cancellationToken)
    {
        var (handle, taskId, _, target) = Authorize(context, TasksExtension.GetMethod);
        var run = context.Services!.GetRequiredService<TaskRuns>().Find(target.Name, handle.Work);
        if (run?.Execution is { IsCompleted: true } execution)
        {
            return await FinishedRunAsync(target, handle, taskId, run, execution, cancellationToken);
        }
        var work = await ReadAsync(target, handle, cancellationToken);
        if (run is not null || !work.Finished)
        {
            // A call may have steps left after its vSphere work: it is done when its run is.
            return TasksExtension.DetailedTask(taskId, "working", work.Summary, handle.CreatedAt, work.Started ?? handle.CreatedAt);
        }
        var ended = work.Completed ?? handle.CreatedAt;
        return work.Cancelled
            ? TasksExtension.DetailedTask(taskId, "cancelled", work.Summary, handle.CreatedAt, ended)
            : TasksExtension.DetailedTask(taskId, "completed", work.Summary, handle.CreatedAt, ended, result: Outcome(handle, work));
    }

    public static ValueTask<JsonNode?> UpdateAsync(RequestContext<JsonNode?> context, CancellationToken cancellationToken)
    {
        var (_, taskId, _, _) = Authorize(context, TasksExtension.UpdateMethod);
        throw new McpProtocolException(
            $"Task '{Shorten(taskId)}' waits for no input: this server asks its questions (confirmations) before a call becomes a task.", McpErrorCode.InvalidParams);
    }

    public static async ValueTask<JsonNode?> CancelAsync(RequestContext<JsonNode?> context, CancellationToken cancellationToken)
    {
        var (handle, taskId, caller, target) = Authorize(context, TasksExtension.CancelMethod);
        var services = context.Services!;
        var started = Stopwatch.GetTimestamp();
        string? error = null;
        try
        {
            if (services.GetRequiredService<TaskRuns>().Find(target.Name, handle.Work) is { Execution.IsCompleted: false } run)
            {
                // The call's own wait cancels its vSphere work, cleans up and says what became of it in its result.
                await run.Cancellation.CancelAsync();
            }
            else
            {
                await CancelInVCenterAsync(target, handle, taskId, caller, cancellationToken);
            }
            return new JsonObject { ["resultType"] = "complete" };
        }
        catch (Exception failure)
        {
            error = failure.Message;
            throw;
        }
        finally
        {
            services.GetRequiredService<AuditLog>().ToolCall(caller, TasksExtension.CancelMethod, AuditArguments(handle),
                Stopwatch.GetElapsedTime(started), error, target.Name);
        }
    }

    private static async Task CancelInVCenterAsync(TargetSession target, TaskHandle handle, string taskId, Caller caller, CancellationToken cancellationToken)
    {
        try
        {
            await VSphereWork.CancelAsync(target.Client, handle.Work,
                $"Cancelled by {caller.User} through the MCP task of {handle.Tool}.", cancellationToken);
        }
        catch (VimFaultException fault) when (fault.FaultType == VimFaultTypes.InvalidState)
        {
            // Ended already: a cancellation the server cannot honour; tasks/get says how it ended.
        }
        catch (VimFaultException fault) when (fault.FaultType == VimFaultTypes.NotSupported)
        {
            throw new McpProtocolException($"vSphere does not let {handle.Id} be cancelled; it runs to its end. tasks/get '{Shorten(taskId)}' follows it.",
                McpErrorCode.InvalidParams);
        }
        catch (VimFaultException fault) when (fault.FaultType == VimFaultTypes.ManagedObjectNotFound)
        {
            throw UnknownToVCenter(handle);
        }
    }

    private static async Task<JsonNode?> FinishedRunAsync(TargetSession target, TaskHandle handle, string taskId, TaskRun run,
        Task<CallToolResult> execution, CancellationToken cancellationToken)
    {
        var ended = run.EndedAt ?? handle.CreatedAt;
        CallToolResult result;
        try
        {
            result = await execution;
        }
        catch (OperationCanceledException cancelled) when (run.CancelRequested)
        {
            // tasks/cancel here: the call's wait cancelled its vSphere work and says what became of it.
            return TasksExtension.DetailedTask(taskId, "cancelled", cancelled.Message, handle.CreatedAt, ended);
        }
        catch (Exception failure)
        {
            var code = failure is McpProtocolException protocol ? protocol.ErrorCode : McpErrorCode.InternalError;
            return TasksExtension.DetailedTask(taskId, "failed", failure.Message, handle.CreatedAt, ended,
                error: new JsonObject { ["code"] = (int)code, ["message"] = failure.Message });
        }
        // A call whose vSphere work was cancelled (here, through another instance or in vCenter) fails: it was cancelled.
        if (result.IsError == true && (run.CancelRequested || await WasCancelledAsync(target, handle, cancellationToken)))
        {
            return TasksExtension.DetailedTask(taskId, "cancelled", Text(result), handle.CreatedAt, ended);
        }
        return TasksExtension.DetailedTask(taskId, "completed", result.IsError == true ? Text(result) : $"{run.Tool} completed.", handle.CreatedAt, ended,
            result: JsonSerializer.SerializeToNode(result, McpJsonUtilities.DefaultOptions.GetTypeInfo<CallToolResult>()));
    }

    private static async Task<bool> WasCancelledAsync(TargetSession target, TaskHandle handle, CancellationToken cancellationToken)
    {
        try
        {
            return (await ReadAsync(target, handle, cancellationToken)).Cancelled;
        }
        catch (McpProtocolException)
        {
            return false; // Gone (a lease that ended): the call's own result says what happened.
        }
    }

    /// <summary>Reads the handle and checks the caller may see what it names; audits and refuses otherwise.</summary>
    private static (TaskHandle Handle, string TaskId, Caller Caller, TargetSession Target) Authorize(RequestContext<JsonNode?> context, string method)
    {
        if (!TasksExtension.ClientSupports(context.JsonRpcRequest))
        {
            throw new McpProtocolException(
                $"{method} belongs to the tasks extension ({TasksExtension.Id}): send it with protocol {TasksExtension.FirstRevision} or later and the extension in the request's client capabilities.",
                McpErrorCode.MethodNotFound);
        }
        var taskId = context.Params?["taskId"] is JsonValue value && value.TryGetValue<string>(out var id) && !string.IsNullOrWhiteSpace(id)
            ? id
            : throw new McpProtocolException($"{method} needs params.taskId: the taskId a tools/call answered with.", McpErrorCode.InvalidParams);
        var services = context.Services!;
        if (!services.GetRequiredService<TaskHandles>().TryRead(taskId, out var handle, out var problem))
        {
            throw new McpProtocolException($"Unknown task '{Shorten(taskId)}': {problem}.", McpErrorCode.InvalidParams);
        }
        var targets = services.GetRequiredService<VCenterTargets>();
        var target = handle.Target is null ? targets.Default
            : targets.Find(handle.Target) ?? throw new McpProtocolException(
                $"Task '{Shorten(taskId)}' ran on vCenter '{handle.Target}', which this server does not serve; the targets are {string.Join(", ", targets.All.Select(t => t.Name))}.",
                McpErrorCode.InvalidParams);
        var caller = services.GetRequiredService<CallerResolver>().Resolve(context.User);
        var policy = services.GetRequiredService<AccessPolicy>();
        if (!policy.Allows(caller, handle.Level, target))
        {
            services.GetRequiredService<AuditLog>().Denied(caller, handle.Level, method, AuditArguments(handle), vcenter: target.Name);
            var subject = handle.StartedHere ? $"task {handle.Id} of tool '{handle.Tool}'" : $"vSphere task {handle.Id}, which was not started through this server,";
            throw new McpProtocolException(policy.DenialMessage(caller, subject, handle.Level, target), McpErrorCode.InvalidRequest);
        }
        return (handle, taskId, caller, target);
    }

    private static async Task<VSphereWorkState> ReadAsync(TargetSession target, TaskHandle handle, CancellationToken cancellationToken)
    {
        try
        {
            return await VSphereWork.ReadAsync(target.Client, handle.Work, cancellationToken);
        }
        catch (VimFaultException fault) when (fault.FaultType == VimFaultTypes.ManagedObjectNotFound)
        {
            throw UnknownToVCenter(handle);
        }
        catch (VSphereException failure) when (failure is not VimFaultException)
        {
            // vCenter is away: say so, naming the target, rather than an anonymous internal error.
            throw new McpProtocolException($"Cannot read task {handle.Id} now: vCenter '{target.Name}' does not answer ({failure.Message}).", McpErrorCode.InternalError);
        }
    }

    private static McpProtocolException UnknownToVCenter(TaskHandle handle) => new(handle.Work.Type == VSphereWork.LeaseType
        ? $"vCenter shows this instance no NFC lease {handle.Id} of {handle.Tool}: the transfer has ended, or its lease belongs to the session of " +
          "the instance that runs it, which answers for it. The events and get_vm_info show what was made."
        : $"vCenter no longer knows task {handle.Id}{(handle.StartedHere ? $" of {handle.Tool}" : "")}: it keeps finished tasks for a limited time, " +
          "and a restart forgets them. The recent tasks (list_recent_tasks) and events show what was done.", McpErrorCode.InvalidParams);

    /// <summary>
    /// The result of work this instance did not run: what vSphere says of it, as a tool result (an error result when it
    /// failed), since the tool's own result is known only to the instance that ran it.
    /// </summary>
    private static JsonNode Outcome(TaskHandle handle, VSphereWorkState work)
    {
        var outcome = new JsonObject
        {
            ["task_id"] = handle.Id,
            ["tool"] = handle.Tool,
            ["state"] = work.Succeeded ? "success" : "error",
            ["operation"] = work.Operation,
            ["entity"] = work.Entity,
            ["result"] = work.Result,
            ["error"] = work.Error,
            ["started"] = work.Started?.ToString("O"),
            ["completed"] = work.Completed?.ToString("O"),
        };
        var result = new CallToolResult
        {
            Content = [new TextContentBlock { Text = outcome.ToJsonString() }],
            StructuredContent = JsonSerializer.SerializeToElement(outcome, McpJsonUtilities.DefaultOptions.GetTypeInfo<JsonObject>()),
            IsError = work.Succeeded ? null : true,
        };
        return JsonSerializer.SerializeToNode(result, McpJsonUtilities.DefaultOptions.GetTypeInfo<CallToolResult>())!;
    }

    private static IEnumerable<KeyValuePair<string, JsonElement>> AuditArguments(TaskHandle handle) =>
        [new("task", JsonSerializer.SerializeToElement($"{handle.Type}:{handle.Id}")), new("tool", JsonSerializer.SerializeToElement(handle.Tool))];

    private static string Text(CallToolResult result) => string.Join(" ", result.Content.OfType<TextContentBlock>().Select(block => block.Text));

    /// <summary>A task id for messages: handles are long.</summary>
    private static string Shorten(string taskId) => taskId.Length > 24 ? taskId[..24] + "…" : taskId;
}
