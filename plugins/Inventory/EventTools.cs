using System.ComponentModel;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.Inventory;

[McpServerToolType]
public sealed class EventTools(IVSphereSession session)
{
    private const string ResultFields =
        "Returns {count, hours, since, events}; events are newest first: [{key, type (e.g. VmPoweredOnEvent), created_time, message, user, " +
        "datacenter, cluster, host, vm, datastore, network, chain_id (shared by the events of one task)}]; unset fields are omitted.";

    [McpServerTool(Name = "get_recent_events", UseStructuredContent = true), Description("Recent vCenter events (EventManager.QueryEvents) of the last hours. " + ResultFields)]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public Task<EventList> GetRecentEvents(
        [Description("The most events to return, 1 to 1000.")] int count = 50,
        [Description("How many hours back to look.")] int hours = 24,
        CancellationToken cancellationToken = default) =>
        EventQueries.QueryAsync(session.Client, count, "count", hours, "hours", eventTypes: null, entityName: null, cancellationToken);

    [McpServerTool(Name = "list_recent_events", UseStructuredContent = true), Description(
        "Recent vCenter events (EventManager.QueryEvents) filtered by time window, event types and inventory object. " + ResultFields)]
    [ListsEveryVCenter]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public Task<EventList> ListRecentEvents(
        [Description("The most events to return, 1 to 1000.")] int max_count = 50,
        [Description("Only these event types, e.g. ['VmPoweredOnEvent', 'VmPoweredOffEvent']; base types such as VmEvent or HostEvent " +
                     "include their subtypes, and extended event ids (e.g. 'esx.problem.vmfs.heartbeat.timedout') are accepted.")]
        string[]? event_types = null,
        [Description("How many hours back to look.")] int hours_back = 24,
        [Description("Only events about this inventory object (VM, host, cluster, datastore, network, folder...) or objects under it; " +
                     "name or inventory path.")]
        string? entity_name = null,
        CancellationToken cancellationToken = default) =>
        EventQueries.QueryAsync(session.Client, max_count, "max_count", hours_back, "hours_back", event_types, entity_name, cancellationToken);
}

internal static class EventQueries
{
    /// <summary>QueryEvents returns at most this many events.</summary>
    private const int MaxEvents = 1000;

    /// <summary>Abstract event types: valid filters that match their subtypes, though servers do not describe them.</summary>
    private static readonly string[] BaseEventTypes =
    [
        "Event", "EventEx", "ExtendedEvent", "GeneralEvent", "VmEvent", "HostEvent", "ClusterEvent", "DatacenterEvent", "DatastoreEvent",
        "ResourcePoolEvent", "DvsEvent", "AlarmEvent", "TaskEvent", "SessionEvent", "CustomFieldEvent", "ScheduledTaskEvent", "LicenseEvent",
        "RoleEvent", "PermissionEvent", "TemplateUpgradeEvent", "UpgradeEvent",
    ];

    public static async Task<EventList> QueryAsync(VSphereClient client, int count, string countArgument, int hours, string hoursArgument,
        IReadOnlyList<string>? eventTypes, string? entityName, CancellationToken cancellationToken)
    {
        if (count is < 1 or > MaxEvents)
        {
            throw ToolException.InvalidArgument(countArgument, $"{countArgument} must be between 1 and {MaxEvents} (got {count}).");
        }
        if (hours < 1)
        {
            throw ToolException.InvalidArgument(hoursArgument, $"{hoursArgument} must be at least 1 (got {hours}).");
        }
        var types = eventTypes is { Count: > 0 } ? await CanonicalTypesAsync(client, eventTypes, cancellationToken) : null;
        var entity = entityName is null ? null : await EntityResolver.FindAsync(client, entityName, "entity_name", cancellationToken);

        var since = DateTimeOffset.UtcNow.AddHours(-hours);
        var events = await client.QueryEventsAsync(new EventFilterSpec
        {
            Time = new EventFilterSpecByTime { BeginTime = since },
            EventTypeId = types,
            Entity = entity is null ? null : new EventFilterSpecByEntity { Entity = entity.Ref, Recursion = EventFilterSpecRecursionOption.All },
            MaxCount = count,
        }, cancellationToken);

        // Servers that ignore the time filter (the simulator does) must not widen the window.
        var shaped = events
            .Where(@event => @event.CreatedTime is null || @event.CreatedTime >= since)
            .OrderByDescending(@event => @event.CreatedTime)
            .ThenByDescending(@event => @event.Key)
            .Take(count)
            .Select(@event => new EventSummary(
                @event.Key,
                @event.EventType,
                @event.CreatedTime,
                @event.FullFormattedMessage,
                @event.UserName,
                @event.Datacenter?.Name,
                @event.ComputeResource?.Ref?.Type == "ClusterComputeResource" ? @event.ComputeResource.Name : null,
                @event.Host?.Name,
                @event.Vm?.Name,
                @event.Datastore?.Name,
                @event.Network?.Name,
                @event.ChainId))
            .ToArray();
        return new EventList(shaped.Length, hours, since, shaped);
    }

    /// <summary>The server's spelling of each type asked for; an unknown type is an error listing the closest known ones.</summary>
    private static async Task<string[]?> CanonicalTypesAsync(VSphereClient client, IReadOnlyList<string> eventTypes, CancellationToken cancellationToken)
    {
        var known = (await client.GetEventTypesAsync(cancellationToken)).Select(type => type.Key).Concat(BaseEventTypes)
            .Distinct(StringComparer.Ordinal).ToArray();
        return eventTypes.Select(type => type.Trim()).Where(type => type.Length > 0).Select(type =>
                type.Contains('.', StringComparison.Ordinal) ? type
                : known.FirstOrDefault(candidate => string.Equals(candidate, type, StringComparison.Ordinal))
                  ?? known.FirstOrDefault(candidate => string.Equals(candidate, type, StringComparison.OrdinalIgnoreCase))
                  ?? throw new ToolException(ToolErrorKind.NotFound, $"event_types: '{type}' is not an event type this server knows.", "event_types",
                      ClosestNames.Find(type, known)))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }
}

/// <summary>One event of get_recent_events and list_recent_events.</summary>
/// <param name="Username">Who caused it (vSphere's userName; the original's name).</param>
public sealed record EventSummary(
    int Key,
    string Type,
    DateTimeOffset? CreatedTime,
    string? Message,
    string? Username,
    string? Datacenter,
    string? Cluster,
    string? Host,
    string? Vm,
    string? Datastore,
    string? Network,
    int ChainId);

/// <summary>The result of get_recent_events and list_recent_events.</summary>
public sealed record EventList(int Count, int Hours, DateTimeOffset Since, IReadOnlyList<EventSummary> Events);
