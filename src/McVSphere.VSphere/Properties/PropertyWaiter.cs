using McVSphere.VSphere.Session;
using McVSphere.VSphere.Soap;
using McVSphere.VSphere.Tasks;
using McVSphere.VSphere.Vim;
using Microsoft.Extensions.Logging;

namespace McVSphere.VSphere.Properties;

/// <summary>How a wait for a property ended.</summary>
/// <param name="Matched">The property reached a value the condition accepted; false when the wait timed out.</param>
/// <param name="Value">The property's last value (null: unset).</param>
public sealed record PropertyWaitResult(bool Matched, VimValue? Value);

/// <summary>
/// Waits for property changes without polling: one read of the current values (a wait that is already satisfied
/// ends there), then WaitForUpdatesEx on a PropertyCollector of its own, so that concurrent waits do not see each
/// other's updates. The machinery of task waits (<see cref="TaskWaiter"/>) and of waits for any property to reach a
/// value (<see cref="VSphereClient.WaitForPropertyAsync"/>).
/// </summary>
internal sealed partial class PropertyWaiter(
    VSphereSession session,
    SoapClient soap,
    VSpherePropertyReader properties,
    VSphereConnectionOptions options,
    ILogger logger)
{
    // The server holds an idle WaitForUpdatesEx this long, well within the request timeout.
    private readonly int _maxWaitSeconds = (int)Math.Clamp(options.RequestTimeout.TotalSeconds / 2, 1, 60);

    /// <summary>Waits until <paramref name="path"/> of <paramref name="obj"/> satisfies <paramref name="condition"/>, or the timeout passes.</summary>
    public async Task<PropertyWaitResult> WaitUntilAsync(ManagedObjectReference obj, string path, Func<VimValue?, bool> condition, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(condition);
        var spec = new PropertyFilterSpec
        {
            PropSet = [new PropertySpec { Type = obj.Type, PathSet = [path] }],
            ObjectSet = [new ObjectSpec { Obj = obj }],
        };
        VimValue? value = null;
        var matched = false;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await session.RunAsync(async (ticket, token) =>
            {
                await WatchAsync(ticket, spec, (_, changed) => value = changed, () => matched = condition(value), token).ConfigureAwait(false);
                return true;
            }, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested)
        {
            // The timeout passed: the result says so.
        }
        return new PropertyWaitResult(matched, value);
    }

    /// <summary>
    /// Feeds <paramref name="apply"/> the current values of the spec's properties, then each change, until
    /// <paramref name="batchApplied"/> (called after the first read and after each batch of changes) returns true.
    /// Runs in the session of <paramref name="ticket"/>; the caller bounds it with <paramref name="cancellationToken"/>.
    /// </summary>
    /// <exception cref="VimFaultException">ManagedObjectNotFound: the spec's object does not exist.</exception>
    public async Task WatchAsync(SessionTicket ticket, PropertyFilterSpec spec, Action<string, VimValue?> apply, Func<bool> batchApplied,
        CancellationToken cancellationToken)
    {
        var current = await properties.RetrievePagesAsync(ticket, spec, cancellationToken).ConfigureAwait(false);
        if (current.Count == 0)
        {
            throw VimFaults.Create(VimFaultTypes.ManagedObjectNotFound, null,
                new VimObject("ManagedObjectNotFound", [new VimField("obj", spec.ObjectSet[0].Obj)]));
        }
        foreach (var content in current)
        {
            // A spec may watch objects of several types (a task and its VM): each gets its own type's paths.
            foreach (var path in spec.PropSet.Where(propertySpec => propertySpec.Type == content.Ref.Type).SelectMany(propertySpec => propertySpec.PathSet ?? []))
            {
                apply(path, content[path]);
            }
        }
        if (batchApplied())
        {
            return;
        }

        var collector = await CreateCollectorAsync(ticket, spec, cancellationToken).ConfigureAwait(false);
        try
        {
            string? version = "";
            while (true)
            {
                var updates = (await soap.CallAsync("WaitForUpdatesEx", collector,
                    [new VimArgument("version", version), new VimArgument("options", new WaitOptions { MaxWaitSeconds = _maxWaitSeconds })],
                    cancellationToken).ConfigureAwait(false)) as VimObject;
                if (updates is null)
                {
                    continue; // maxWaitSeconds passed without a change: wait again.
                }
                version = updates.GetString("version");
                ApplyChanges(updates, apply);
                if (batchApplied())
                {
                    return;
                }
            }
        }
        finally
        {
            await DestroyCollectorQuietlyAsync(collector).ConfigureAwait(false);
        }
    }

    private static void ApplyChanges(VimObject updateSet, Action<string, VimValue?> apply)
    {
        foreach (var filter in updateSet.GetArray("filterSet").OfType<VimObject>())
        {
            foreach (var objectUpdate in filter.GetArray("objectSet").OfType<VimObject>())
            {
                foreach (var change in objectUpdate.GetArray("changeSet").OfType<VimObject>())
                {
                    if (change.GetString("name") is { } path)
                    {
                        apply(path, change.GetString("op") == "remove" ? null : change["val"]);
                    }
                }
            }
        }
    }

    /// <summary>
    /// A PropertyCollector of its own in the session of <paramref name="ticket"/>, with one filter of <paramref name="spec"/>,
    /// so that its WaitForUpdatesEx sees only these updates. Destroy it with <see cref="DestroyCollectorQuietlyAsync"/>.
    /// </summary>
    internal async Task<ManagedObjectReference> CreateCollectorAsync(SessionTicket ticket, PropertyFilterSpec spec, CancellationToken cancellationToken)
    {
        var collector = (await soap.CallAsync("CreatePropertyCollector", ticket.Content.PropertyCollector, null, cancellationToken)
            .ConfigureAwait(false))?.AsReference() ?? throw new VSphereException("CreatePropertyCollector returned no collector.");
        try
        {
            await soap.CallAsync("CreateFilter", collector, [new VimArgument("spec", spec), new VimArgument("partialUpdates", false)],
                cancellationToken).ConfigureAwait(false);
            return collector;
        }
        catch
        {
            await DestroyCollectorQuietlyAsync(collector).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Destroys a collector (and its filters), best effort: a session that is gone took it along.</summary>
    internal async Task DestroyCollectorQuietlyAsync(ManagedObjectReference collector)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await soap.CallAsync("DestroyPropertyCollector", collector, null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is VSphereException or OperationCanceledException or HttpRequestException)
        {
            LogCleanupFailed(collector, error.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not destroy the property collector {Collector}: {Reason}")]
    private partial void LogCleanupFailed(ManagedObjectReference collector, string reason);
}
