using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Properties;

/// <summary>
/// Watches every object of a managed type for changes to some of its properties, and for objects entering or leaving
/// the inventory, through one ContainerView and one PropertyCollector filter (WaitForUpdatesEx: no polling). What
/// subscriptions to inventory resources are built on.
/// </summary>
public static class InventoryWatch
{
    /// <summary>
    /// Calls <paramref name="changed"/> after each batch of changes to <paramref name="propertyPaths"/> of the objects of
    /// <paramref name="managedObjectType"/> (not for the initial values), until <paramref name="cancellationToken"/> fires.
    /// A lost session is re-established and the watch resumes.
    /// </summary>
    /// <param name="client">The client.</param>
    /// <param name="managedObjectType">The type of the objects to watch, e.g. <c>VirtualMachine</c>.</param>
    /// <param name="propertyPaths">Their properties whose changes count.</param>
    /// <param name="changed">Called after each batch of changes.</param>
    /// <param name="watching">Called once the watch holds the inventory as it is: any change made after it is reported.</param>
    /// <param name="cancellationToken">Ends the watch.</param>
    public static Task WatchInventoryAsync(this VSphereClient client, string managedObjectType, IReadOnlyList<string> propertyPaths, Action changed,
        Action? watching, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(managedObjectType);
        ArgumentNullException.ThrowIfNull(propertyPaths);
        ArgumentNullException.ThrowIfNull(changed);
        return client.RunInSessionAsync(async (ticket, properties, waiter, token) =>
        {
            var view = await properties.CreateViewAsync(ticket, null, [managedObjectType], token).ConfigureAwait(false);
            try
            {
                // The view itself is read too, so that objects entering or leaving it count as changes and an empty
                // inventory still has something to watch.
                var spec = new PropertyFilterSpec
                {
                    PropSet =
                    [
                        new PropertySpec { Type = managedObjectType, PathSet = propertyPaths },
                        new PropertySpec { Type = "ContainerView", PathSet = ["view"] },
                    ],
                    ObjectSet = [VSpherePropertyReader.ViewObjects(view, skipView: false)],
                };
                // The first batch is the initial read, the second the collector's initial update set (version ""):
                // both describe the inventory as it is, not a change.
                var batches = 0;
                await waiter.WatchAsync(ticket, spec, static (_, _) => { }, () =>
                {
                    switch (++batches)
                    {
                        case 2:
                            watching?.Invoke();
                            break;
                        case > 2:
                            changed();
                            break;
                    }
                    return false;
                }, token).ConfigureAwait(false);
            }
            finally
            {
                await properties.DestroyViewQuietlyAsync(view).ConfigureAwait(false);
            }
        }, cancellationToken);
    }
}
