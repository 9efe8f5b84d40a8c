namespace McVSphere.VSphere.Vim;

/// <summary>Typed reads of tasks.</summary>
public static class TaskMethods
{
    /// <summary>Reads one task's info.</summary>
    public static async Task<TaskInfo> GetTaskInfoAsync(this VSphereClient client, ManagedObjectReference task, CancellationToken cancellationToken = default)
    {
        var content = await client.Properties.RetrieveAsync(task, [TaskInfo.PropertyPath], cancellationToken).ConfigureAwait(false);
        return TaskInfo.From(content.GetObject(TaskInfo.PropertyPath) ?? throw new VSphereException($"Task {task.Value} has no info."));
    }

    /// <summary>Reads the info of the server's recent tasks (TaskManager.recentTask) in one read.</summary>
    public static async Task<IReadOnlyList<TaskInfo>> GetRecentTasksAsync(this VSphereClient client, CancellationToken cancellationToken = default)
    {
        var serviceContent = await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var taskManager = serviceContent.TaskManager ?? throw VimFaults.NotSupported("recentTask", "TaskManager");
        var manager = await client.Properties.RetrieveAsync(taskManager, ["recentTask"], cancellationToken).ConfigureAwait(false);
        var tasks = await client.Properties.RetrieveAsync(manager.GetReferences("recentTask"), [TaskInfo.PropertyPath], cancellationToken).ConfigureAwait(false);
        return tasks.Select(task => task.GetObject(TaskInfo.PropertyPath)).OfType<VimObject>().Select(TaskInfo.From).ToArray();
    }
}
