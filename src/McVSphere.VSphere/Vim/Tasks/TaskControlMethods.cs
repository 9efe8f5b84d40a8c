namespace McVSphere.VSphere.Vim;

/// <summary>Typed calls of Task methods.</summary>
public static class TaskControlMethods
{
    /// <summary>
    /// Asks vCenter to cancel a running task (Task.CancelTask). Cancellation is asynchronous: the task ends later in
    /// state error with a RequestCanceled fault. Faults: NotSupported when the task is not cancelable, InvalidState
    /// when it has finished.
    /// </summary>
    public static Task CancelTaskAsync(this VSphereClient client, ManagedObjectReference task, CancellationToken cancellationToken = default) =>
        client.InvokeAsync("CancelTask", task, null, cancellationToken);
}
