using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Session;
using McVSphere.VSphere.Soap;
using McVSphere.VSphere.Vim;
using Microsoft.Extensions.Logging;

namespace McVSphere.VSphere.Tasks;

/// <summary>
/// Waits for a task without polling (<see cref="PropertyWaiter.WatchAsync"/>): one read of its state (tasks that are
/// already done, as in the simulator, end there), then its changes as WaitForUpdatesEx reports them. Cancellation
/// cancels the task in vCenter; a timeout leaves it running and says so.
/// </summary>
internal sealed partial class TaskWaiter(
    VSphereSession session,
    SoapClient soap,
    PropertyWaiter updates,
    VSphereConnectionOptions options,
    ILogger logger)
{
    public async Task<VimValue?> WaitAsync(
        ManagedObjectReference task,
        IProgress<VSphereTaskProgress>? progress,
        TimeSpan? timeout,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var limit = timeout ?? (progress as ITaskWaitLimit)?.WaitLimit ?? options.TaskTimeout;
        var state = new TaskState(task, progress);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        try
        {
            await session.RunAsync(async (ticket, token) =>
            {
                await WaitInSessionAsync(ticket, task, state, token).ConfigureAwait(false);
                return true;
            }, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await CancelTaskQuietlyAsync(task).ConfigureAwait(false);
            throw;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new VSphereTaskTimeoutException(task, limit, state.LastProgress);
        }
        return state.Complete();
    }

    private Task WaitInSessionAsync(SessionTicket ticket, ManagedObjectReference task, TaskState state, CancellationToken cancellationToken) =>
        updates.WatchAsync(ticket, new PropertyFilterSpec
        {
            PropSet = [new PropertySpec { Type = "Task", PathSet = TaskState.WatchedPaths }],
            ObjectSet = [new ObjectSpec { Obj = task }],
        }, state.Apply, () =>
        {
            state.Publish();
            return state.IsFinished;
        }, cancellationToken);

    private async Task CancelTaskQuietlyAsync(ManagedObjectReference task)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await session.RunAsync((_, token) => soap.CallAsync("CancelTask", task, null, token), timeout.Token).ConfigureAwait(false);
            LogCancelled(task);
        }
        catch (Exception error) when (error is VSphereException or OperationCanceledException)
        {
            LogCancelFailed(task, error.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cancelled task {Task} in vCenter")]
    private partial void LogCancelled(ManagedObjectReference task);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not cancel task {Task}: {Reason}")]
    private partial void LogCancelFailed(ManagedObjectReference task, string reason);
}
