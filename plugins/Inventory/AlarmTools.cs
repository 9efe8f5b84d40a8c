using System.ComponentModel;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Vim;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.Inventory;

[McpServerToolType]
public sealed class AlarmTools(IVSphereSession session)
{
    [McpServerTool(Name = "get_alarms", UseStructuredContent = true), Description(
        "Triggered alarms across the whole inventory (the root folder's triggeredAlarmState, which includes its descendants), in three " +
        "bulk reads. Returns {count, alarms}; alarms are worst first, then newest: [{alarm (name), description, entity, entity_type, " +
        "status (red|yellow), time, acknowledged, acknowledged_by}]. count 0 means no alarm is triggered.")]
    [ListsEveryVCenter]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<AlarmList> GetAlarms(CancellationToken cancellationToken = default)
    {
        var client = session.Client;
        var content = await client.ConnectAsync(cancellationToken);
        var root = await client.Properties.RetrieveAsync(content.RootFolder, ["triggeredAlarmState"], cancellationToken);
        var states = root.GetArray("triggeredAlarmState").OfType<VimObject>().ToArray();
        if (states.Length == 0)
        {
            return new AlarmList(0, []);
        }

        var alarmsTask = client.Properties.RetrieveAsync(states.Select(state => state.GetReference("alarm")).OfType<ManagedObjectReference>(),
            ["info.name", "info.description"], cancellationToken);
        var namesTask = client.Properties.ReadNamesAsync(states.Select(state => state.GetReference("entity")), cancellationToken);
        await Task.WhenAll(alarmsTask, namesTask);
        var alarms = alarmsTask.Result.ToDictionary(alarm => alarm.Ref);
        var names = namesTask.Result;

        var shaped = states
            .Select(state =>
            {
                var alarm = state.GetReference("alarm") is { } reference ? alarms.GetValueOrDefault(reference) : null;
                var entity = state.GetReference("entity");
                return new TriggeredAlarm(
                    alarm?.GetString("info.name") ?? state.GetReference("alarm")?.Value ?? "unknown",
                    alarm?.GetString("info.description") is { Length: > 0 } description ? description : null,
                    entity is null ? "unknown" : names.GetValueOrDefault(entity, entity.Value),
                    entity?.Type,
                    state.GetString("overallStatus") ?? "gray",
                    state.GetDateTime("time"),
                    state.GetBoolean("acknowledged") ?? false,
                    state.GetString("acknowledgedByUser"));
            })
            .OrderBy(alarm => alarm.Status == "red" ? 0 : alarm.Status == "yellow" ? 1 : 2)
            .ThenByDescending(alarm => alarm.Time)
            .ToArray();
        return new AlarmList(shaped.Length, shaped);
    }
}

/// <summary>One triggered alarm of get_alarms.</summary>
public sealed record TriggeredAlarm(
    string Alarm,
    string? Description,
    string Entity,
    string? EntityType,
    string Status,
    DateTimeOffset? Time,
    bool Acknowledged,
    string? AcknowledgedBy);

/// <summary>The result of get_alarms.</summary>
public sealed record AlarmList(int Count, IReadOnlyList<TriggeredAlarm> Alarms);
