using McVSphere.VSphere.Soap;

namespace McVSphere.VSphere.Vim;

/// <summary>Which objects' events to include (<c>EventFilterSpecRecursionOption</c>).</summary>
public enum EventFilterSpecRecursionOption
{
    /// <summary>The entity only.</summary>
    Self,
    /// <summary>The entity's direct children only.</summary>
    Children,
    /// <summary>The entity and everything under it.</summary>
    All,
}

/// <summary>Events of one entity, and optionally of those under it (<c>EventFilterSpecByEntity</c>).</summary>
public sealed record EventFilterSpecByEntity : VimDataObject
{
    /// <summary>The entity.</summary>
    public required ManagedObjectReference Entity { get; init; }

    /// <summary>Which related entities to include.</summary>
    public EventFilterSpecRecursionOption Recursion { get; init; } = EventFilterSpecRecursionOption.Self;

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("entity", Entity);
        writer.WriteEnum<EventFilterSpecRecursionOption>("recursion", Recursion);
    }
}

/// <summary>Events in a time range (<c>EventFilterSpecByTime</c>).</summary>
public sealed record EventFilterSpecByTime : VimDataObject
{
    /// <summary>From (inclusive).</summary>
    public DateTimeOffset? BeginTime { get; init; }

    /// <summary>Until (inclusive).</summary>
    public DateTimeOffset? EndTime { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("beginTime", BeginTime);
        writer.Write("endTime", EndTime);
    }
}

/// <summary>Events of some users (<c>EventFilterSpecByUsername</c>).</summary>
public sealed record EventFilterSpecByUsername : VimDataObject
{
    /// <summary>Include events of system users.</summary>
    public bool SystemUser { get; init; }

    /// <summary>The user names.</summary>
    public IReadOnlyList<string>? UserList { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("systemUser", SystemUser);
        writer.Write("userList", UserList);
    }
}

/// <summary>Which events to query (<c>EventFilterSpec</c>), for QueryEvents. Unset criteria do not filter.</summary>
public sealed record EventFilterSpec : VimDataObject
{
    /// <summary>Events of an entity.</summary>
    public EventFilterSpecByEntity? Entity { get; init; }

    /// <summary>Events in a time range.</summary>
    public EventFilterSpecByTime? Time { get; init; }

    /// <summary>Events of some users.</summary>
    public EventFilterSpecByUsername? UserName { get; init; }

    /// <summary>Events of one chain (one task's events).</summary>
    public int? EventChainId { get; init; }

    /// <summary>Events of an alarm.</summary>
    public ManagedObjectReference? Alarm { get; init; }

    /// <summary>Events of a scheduled task.</summary>
    public ManagedObjectReference? ScheduledTask { get; init; }

    /// <summary>Leave out <c>fullFormattedMessage</c> (faster).</summary>
    public bool? DisableFullMessage { get; init; }

    /// <summary>Severities: <c>info</c>, <c>warning</c>, <c>error</c>, <c>user</c>.</summary>
    public IReadOnlyList<string>? Category { get; init; }

    /// <summary>Event type names, e.g. <c>VmPoweredOnEvent</c>.</summary>
    public IReadOnlyList<string>? Type { get; init; }

    /// <summary>Event tags.</summary>
    public IReadOnlyList<string>? Tag { get; init; }

    /// <summary>Event type ids (including extended and extension events).</summary>
    public IReadOnlyList<string>? EventTypeId { get; init; }

    /// <summary>The most events to return (vCenter's default is small; 1000 at most).</summary>
    public int? MaxCount { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("entity", Entity);
        writer.Write("time", Time);
        writer.Write("userName", UserName);
        writer.Write("eventChainId", EventChainId);
        writer.Write("alarm", Alarm);
        writer.Write("scheduledTask", ScheduledTask);
        writer.Write("disableFullMessage", DisableFullMessage);
        writer.Write("category", Category);
        writer.Write("type", Type);
        writer.Write("tag", Tag);
        writer.Write("eventTypeId", EventTypeId);
        writer.Write("maxCount", MaxCount);
    }
}
