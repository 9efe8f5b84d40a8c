namespace McVSphere.VSphere.Vim;

/// <summary>An entity an event is about: its name then and its reference.</summary>
/// <param name="Name">The name when the event happened.</param>
/// <param name="Ref">The entity.</param>
public sealed record EventEntity(string Name, ManagedObjectReference? Ref);

/// <summary>
/// An event (<c>Event</c> and its many subtypes). The common fields are typed; the subtype's own fields are in
/// <see cref="Raw"/>.
/// </summary>
/// <param name="EventType">The event type, e.g. <c>VmPoweredOnEvent</c>.</param>
/// <param name="Key">Its unique key.</param>
/// <param name="ChainId">The id of its chain (the events of one task share it).</param>
/// <param name="CreatedTime">When it happened.</param>
/// <param name="UserName">Who caused it, if a user did.</param>
/// <param name="FullFormattedMessage">The message, as the vSphere Client shows it.</param>
/// <param name="Datacenter">The datacenter, if any.</param>
/// <param name="ComputeResource">The cluster or compute resource, if any.</param>
/// <param name="Host">The host, if any.</param>
/// <param name="Vm">The VM, if any.</param>
/// <param name="Datastore">The datastore, if any.</param>
/// <param name="Network">The network, if any.</param>
/// <param name="Raw">The event as read.</param>
public sealed record VimEvent(
    string EventType,
    int Key,
    int ChainId,
    DateTimeOffset? CreatedTime,
    string? UserName,
    string? FullFormattedMessage,
    EventEntity? Datacenter,
    EventEntity? ComputeResource,
    EventEntity? Host,
    EventEntity? Vm,
    EventEntity? Datastore,
    EventEntity? Network,
    VimObject Raw)
{
    /// <summary>Reads an event data object.</summary>
    public static VimEvent From(VimObject @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return new VimEvent(
            @event.TypeName ?? "Event",
            @event.GetInt32("key") ?? 0,
            @event.GetInt32("chainId") ?? 0,
            @event.GetDateTime("createdTime"),
            @event.GetString("userName") is { Length: > 0 } user ? user : null,
            @event.GetString("fullFormattedMessage"),
            Entity(@event, "datacenter", "datacenter"),
            Entity(@event, "computeResource", "computeResource"),
            Entity(@event, "host", "host"),
            Entity(@event, "vm", "vm"),
            Entity(@event, "ds", "datastore"),
            Entity(@event, "net", "network"),
            @event);
    }

    private static EventEntity? Entity(VimObject @event, string field, string referenceField) =>
        @event.GetObject(field) is { } argument ? new EventEntity(argument.GetString("name") ?? "", argument.GetReference(referenceField)) : null;
}
