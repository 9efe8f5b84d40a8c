namespace McVSphere.VSphere.Tasks;

/// <summary>
/// A task's progress receiver that also bounds how long its wait lasts: a caller's own limit (e.g. a tool's timeout
/// argument) travels with the progress it passes to any method that waits for a task, so that every such method
/// honours it without a timeout parameter of its own. An explicit timeout of the wait wins over it.
/// </summary>
public interface ITaskWaitLimit
{
    /// <summary>How long to wait for the task; null for the client's <see cref="VSphereConnectionOptions.TaskTimeout"/>.</summary>
    TimeSpan? WaitLimit { get; }
}
