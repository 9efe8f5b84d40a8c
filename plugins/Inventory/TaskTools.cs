using System.ComponentModel;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Vim;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.Inventory;

[McpServerToolType]
public sealed class TaskTools(IVSphereSession session)
{
    private const string ResultFields =
        "Returns {count, tasks}; tasks are newest first: [{key (task id, e.g. task-42), name (method or task type), state (queued|running|" +
        "success|error), progress (percent, while running), entity, entity_type, queued_time, start_time, complete_time, error (message of a " +
        "failed task), user, cancelable}]; unset fields are omitted.";

    [McpServerTool(Name = "get_recent_tasks", UseStructuredContent = true), Description("Recent vSphere tasks (TaskManager.recentTask), read in bulk. " + ResultFields)]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public Task<TaskList> GetRecentTasks(
        [Description("The most tasks to return.")] int count = 20,
        CancellationToken cancellationToken = default) =>
        TaskQueries.RecentAsync(session.Client, count, "count", entityName: null, cancellationToken);

    [McpServerTool(Name = "list_recent_tasks", UseStructuredContent = true), Description(
        "Recent vSphere tasks (TaskManager.recentTask), read in bulk, optionally only those on one inventory object. " + ResultFields)]
    [ListsEveryVCenter]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public Task<TaskList> ListRecentTasks(
        [Description("The most tasks to return.")] int max_count = 20,
        [Description("Only tasks on this inventory object (VM, host, cluster, datastore, folder...); name or inventory path.")] string? entity_name = null,
        CancellationToken cancellationToken = default) =>
        TaskQueries.RecentAsync(session.Client, max_count, "max_count", entity_name, cancellationToken);
}

internal static class TaskQueries
{
    public static async Task<TaskList> RecentAsync(VSphereClient client, int count, string countArgument, string? entityName,
        CancellationToken cancellationToken)
    {
        if (count < 1)
        {
            throw ToolException.InvalidArgument(countArgument, $"{countArgument} must be at least 1 (got {count}).");
        }
        var entity = entityName is null ? null : await EntityResolver.FindAsync(client, entityName, "entity_name", cancellationToken);
        var tasks = (await client.GetRecentTasksAsync(cancellationToken))
            .Where(task => entity is null || task.Entity == entity.Ref)
            .OrderByDescending(task => task.QueueTime ?? task.StartTime)
            .Take(count)
            .ToArray();
        // TaskInfo.entityName is the name at the time; read current names (the simulator puts ids there).
        var names = await client.Properties.ReadNamesAsync(tasks.Select(task => task.Entity), cancellationToken);
        var shaped = tasks.Select(task => new TaskSummary(
                task.Task.Value,
                task.Name ?? task.DescriptionId,
                WireName(task.State),
                task.Progress,
                task.Entity is null ? task.EntityName : names.GetValueOrDefault(task.Entity, task.EntityName ?? task.Entity.Value),
                task.Entity?.Type,
                task.QueueTime,
                task.StartTime,
                task.CompleteTime,
                task.ErrorMessage,
                task.UserName,
                task.Cancelable))
            .ToArray();
        return new TaskList(shaped.Length, shaped);
    }

    /// <summary>The state as vSphere spells it (TaskInfoState).</summary>
    private static string WireName(TaskInfoState state) => state switch
    {
        TaskInfoState.Queued => "queued",
        TaskInfoState.Running => "running",
        TaskInfoState.Success => "success",
        TaskInfoState.Error => "error",
        _ => "unknown",
    };
}

/// <summary>One task of get_recent_tasks and list_recent_tasks.</summary>
public sealed record TaskSummary(
    string Key,
    string? Name,
    string State,
    int? Progress,
    string? Entity,
    string? EntityType,
    DateTimeOffset? QueuedTime,
    DateTimeOffset? StartTime,
    DateTimeOffset? CompleteTime,
    string? Error,
    string? User,
    bool Cancelable);

/// <summary>The result of get_recent_tasks and list_recent_tasks.</summary>
public sealed record TaskList(int Count, IReadOnlyList<TaskSummary> Tasks);
