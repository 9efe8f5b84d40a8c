using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Session;
using McVSphere.VSphere.Soap;
using McVSphere.VSphere.Vim;
using Microsoft.Extensions.Logging;

namespace McVSphere.VSphere.Tasks;

/// <summary>
/// Waits for a task without polling: one read of its state (tasks that are already done, as in the simulator, end
/// there), then WaitForUpdatesEx on a PropertyCollector of its own, so that concurrent waits do not see each other's
/// updates. Cancellation cancels the task in vCenter; a timeout leaves it running and says so.
/// </summary>
internal sealed partial class TaskWaiter(
    VSphereSession session,
    SoapClient soap,
    VSpherePropertyReader properties,
    VSphereConnectionOptions options,
    ILogger logger)
{
    private readonly int _maxWaitSeconds = (int)Math.Clamp(options.RequestTimeout.TotalSeconds / 2, 1, 60);

    public async Task<VimValue?> WaitAsync(
        ManagedObjectReference task,
        IProgress<VSphereTaskProgress>? progress,
        TimeSpan? timeout,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var limit = timeout ?? options.TaskTimeout;
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

    private async Task WaitInSessionAsync(SessionTicket ticket, ManagedObjectReference task, TaskState state, CancellationToken cancellationToken)
    {
        var spec = new PropertyFilterSpec
        {
            PropSet = [new PropertySpec { Type = "Task", PathSet = TaskState.WatchedPaths }],
            ObjectSet = [new ObjectSpec { Obj = task }],
        };
        var current = await properties.RetrievePagesAsync(ticket, spec, cancellationToken).ConfigureAwait(false);
        if (current.Count == 0)
        {
            throw VimFaults.Create(VimFaultTypes.ManagedObjectNotFound, null, new VimObject("ManagedObjectNotFound", [new VimField("obj", task)]));
        }
        foreach (var path in TaskState.WatchedPaths)
        {
            state.Apply(path, current[0][path]);
        }
        state.Publish();
        if (state.IsFinished)
        {
            return;
        }

        var collector = (await soap.CallAsync("CreatePropertyCollector", ticket.Content.PropertyCollector, null, cancellationToken)
            .ConfigureAwait(false))?.AsReference() ?? throw new VSphereException("CreatePropertyCollector returned no collector.");
        try
        {
            await soap.CallAsync("CreateFilter", collector, [new VimArgument("spec", spec), new VimArgument("partialUpdates", false)],
                cancellationToken).ConfigureAwait(false);
            string? version = "";
            while (!state.IsFinished)
            {
                var updates = (await soap.CallAsync("WaitForUpdatesEx", collector,
                    [new VimArgument("version", version), new VimArgument("options", new WaitOptions { MaxWaitSeconds = _maxWaitSeconds })],
                    cancellationToken).ConfigureAwait(false)) as VimObject;
                if (updates is null)
                {
                    continue; // maxWaitSeconds passed without a change: wait again.
                }
                version = updates.GetString("version");
                ApplyUpdates(updates, state);
                state.Publish();
            }
        }
        finally
        {
            await DestroyQuietlyAsync(collector).ConfigureAwait(false);
        }
    }

    private static void ApplyUpdates(VimObject updateSet, TaskState state)
    {
        foreach (var filter in updateSet.GetArray("filterSet").OfType<VimObject>())
        {
            foreach (var objectUpdate in filter.GetArray("objectSet").OfType<VimObject>())
            {
                foreach (var change in objectUpdate.GetArray("changeSet").OfType<VimObject>())
                {
                    if (change.GetString("name") is { } path)
                    {
                        state.Apply(path, change.GetString("op") == "remove" ? null : change["val"]);
                    }
                }
            }
        }
    }

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

    private async Task DestroyQuietlyAsync(ManagedObjectReference collector)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await soap.CallAsync("DestroyPropertyCollector", collector, null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is VSphereException or OperationCanceledException)
        {
            LogCancelFailed(collector, error.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cancelled task {Task} in vCenter")]
    private partial void LogCancelled(ManagedObjectReference task);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not cancel or clean up {Object}: {Reason}")]
    private partial void LogCancelFailed(ManagedObjectReference @object, string reason);
}
