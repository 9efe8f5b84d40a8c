#pragma warning disable MCPEXP002 // ResultOrAlternate: the Core SDK's hook for task results, marked for evaluation.
using McVSphere.Host.Hosting;
using McVSphere.Host.Security;
using McVSphere.Sdk.Security;
using McVSphere.VSphere.Tasks;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McVSphere.Host.Mcp.Tasks;

/// <summary>
/// Answers a long tool call of a client that supports tasks with an MCP task that names its vSphere task: the call
/// runs in the background (its policy filters with it), and as soon as it has started a vSphere task (or the NFC lease
/// of an OVF transfer) and not finished within <see cref="InlineWait"/>, the client gets the task. A call that starts no vSphere task, or ends quickly,
/// is answered as usual, as the extension lets the server decide per call. Confirmations asked before the task
/// starts (MRTR) are answered first, as the extension recommends.
/// </summary>
public static class TaskAugmentationFilter
{
    /// <summary>How long a call that has started a vSphere task may still finish with its own answer.</summary>
    public static readonly TimeSpan InlineWait = TimeSpan.FromSeconds(1);

    /// <summary>Where the security filter leaves the level the call needed, for the task's handle.</summary>
    public const string RequiredLevelItem = "mcvsphere.requiredLevel";

    public static async ValueTask<ResultOrAlternate<CallToolResult>> ApplyAsync(RequestContext<CallToolRequestParams> context,
        McpRequestHandler<CallToolRequestParams, ResultOrAlternate<CallToolResult>> next, CancellationToken cancellationToken)
    {
        if (!TasksExtension.ClientSupports(context.JsonRpcRequest))
        {
            return await next(context, cancellationToken);
        }
        var services = context.Services!;
        var time = services.GetRequiredService<TimeProvider>();
        var scope = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        // The call outlives this request: it gets its own services and cancellation.
        var call = CallContexts.Copy(context, context.Params!, scope.ServiceProvider);
        var run = new TaskRun(context.Params?.Name ?? "");
        var createdAt = time.GetUtcNow();
        run.Execution = Task.Run(async () =>
        {
            await using (scope)
            {
                using var observing = TaskStartObserver.Observe(run.OnTaskStarted);
                var result = await next(call, run.Cancellation.Token);
                return result.Result ?? throw new InvalidOperationException($"{run.Tool} answered with an alternate result in a task.");
            }
        }, CancellationToken.None);

        CallToolResult? inline;
        using (cancellationToken.Register(run.Cancellation.Cancel))
        {
            inline = await InlineResultAsync(run, time, cancellationToken);
        }
        if (inline is not null)
        {
            run.Cancellation.Dispose();
            return inline;
        }
        var work = run.Started.Result;
        var caller = services.GetRequiredService<CallerResolver>().Resolve(context.User);
        var level = call.Items.TryGetValue(RequiredLevelItem, out var required) && required is PermissionLevel needed ? needed : PermissionLevel.FullAdmin;
        var tool = call.Params?.Name ?? run.Tool;
        var target = call.Items.TryGetValue(VCenterRouting.CallItem, out var routed) && routed is VCenterCall { Targets: [var one] }
            ? one.Name
            : services.GetRequiredService<VCenterTargets>().Default.Name;
        services.GetRequiredService<TaskRuns>().Add(target, work, run);
        var taskId = services.GetRequiredService<TaskHandles>().Issue(work, tool, level, caller, createdAt, target);
        return ResultOrAlternate<CallToolResult>.FromAlternate(new CreateTaskResult
        {
            TaskId = taskId,
            StatusMessage = work.Type == VSphereWork.LeaseType
            ? $"{tool} goes on as the OVF transfer of NFC lease {work.Value}."
            : $"{tool} goes on as vSphere task {work.Value}.",
            CreatedAt = createdAt,
            LastUpdatedAt = time.GetUtcNow(),
        }, TasksJsonContext.Default.CreateTaskResult);
    }

    /// <summary>The call's own result if it ends before it has run a vSphere task for <see cref="InlineWait"/>; null once it goes on as a task.</summary>
    private static async Task<CallToolResult?> InlineResultAsync(TaskRun run, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await Task.WhenAny(run.Execution, run.Started).WaitAsync(cancellationToken) == run.Execution)
        {
            return await run.Execution;
        }
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inlineWait = Task.Delay(InlineWait, time, wait.Token);
        var first = await Task.WhenAny(run.Execution, inlineWait);
        await wait.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        return first == run.Execution ? await run.Execution : null;
    }
}
