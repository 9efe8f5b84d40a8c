namespace McVSphere.VSphere.Vim;

/// <summary>An event type the server describes (<c>EventDescriptionEventDetail</c>).</summary>
/// <param name="Key">The type name, e.g. <c>VmPoweredOnEvent</c>, or an extended event id such as <c>esx.problem.vmfs.heartbeat.timedout</c>.</param>
/// <param name="Category"><c>info</c>, <c>warning</c>, <c>error</c> or <c>user</c>.</param>
/// <param name="Description">What it means.</param>
public sealed record EventTypeInfo(string Key, string? Category, string? Description);

/// <summary>Typed reads of the event types a server knows.</summary>
public static class EventTypeMethods
{
    /// <summary>Reads the event types the server describes (EventManager.description.eventInfo).</summary>
    /// <exception cref="VimFaultException">MethodNotFound: the server has no EventManager.</exception>
    public static async Task<IReadOnlyList<EventTypeInfo>> GetEventTypesAsync(this VSphereClient client, CancellationToken cancellationToken = default)
    {
        var content = await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var eventManager = content.EventManager ?? throw VimFaults.NotSupported("description", "EventManager");
        var manager = await client.Properties.RetrieveAsync(eventManager, ["description.eventInfo"], cancellationToken).ConfigureAwait(false);
        return manager.GetArray("description.eventInfo").OfType<VimObject>()
            .Select(detail => new EventTypeInfo(detail.GetString("key") ?? "", detail.GetString("category"), detail.GetString("description")))
            .Where(detail => detail.Key.Length > 0)
            .ToArray();
    }
}
