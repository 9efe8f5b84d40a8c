namespace McVSphere.VSphere.Vim;

/// <summary>Typed calls of EventManager methods.</summary>
public static class EventMethods
{
    /// <summary>Queries events (EventManager.QueryEvents), newest first as vCenter returns them.</summary>
    /// <exception cref="VimFaultException">MethodNotFound: the server has no EventManager (ESXi).</exception>
    public static async Task<IReadOnlyList<VimEvent>> QueryEventsAsync(this VSphereClient client, EventFilterSpec filter,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var content = await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var eventManager = content.EventManager ?? throw VimFaults.NotSupported("QueryEvents", "EventManager");
        var events = await client.InvokeAsync("QueryEvents", eventManager, [new VimArgument("filter", filter)], cancellationToken).ConfigureAwait(false);
        return events?.AsArray().OfType<VimObject>().Select(VimEvent.From).ToArray() ?? [];
    }
}
