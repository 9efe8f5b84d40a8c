using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ModelContextProtocol.Protocol;

namespace McVSphere.Host.Mcp.Tasks;

/// <summary>
/// The MCP tasks extension (<c>io.modelcontextprotocol/tasks</c>, for 2026-07-28 clients) as this server speaks it:
/// the names it defines and the shapes it answers with. The Core SDK has no types for it; they are few.
/// </summary>
public static class TasksExtension
{
    public const string Id = "io.modelcontextprotocol/tasks";
    public const string GetMethod = "tasks/get";
    public const string UpdateMethod = "tasks/update";
    public const string CancelMethod = "tasks/cancel";

    /// <summary>The first protocol revision the extension is defined for.</summary>
    public const string FirstRevision = "2026-07-28";

    /// <summary>How long this server answers for a task: vCenter keeps finished tasks for a limited time, this server their results for as long.</summary>
    public static readonly TimeSpan TimeToLive = TimeSpan.FromHours(1);

    /// <summary>How often clients should poll: vSphere tasks report progress in steps of seconds.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    /// <summary>Whether the request is of 2026-07-28 or later and its client declares the extension (in its per-request capabilities).</summary>
    public static bool ClientSupports(JsonRpcRequest request) =>
        // Revisions are dates: they compare as strings.
        string.CompareOrdinal(request.Context?.ProtocolVersion, FirstRevision) >= 0 &&
        (request.Context?.ClientCapabilities?.Extensions?.ContainsKey(Id) == true ||
         request.Params?["_meta"]?[MetaKeys.ClientCapabilities]?["extensions"] is JsonObject extensions && extensions.ContainsKey(Id));

    /// <summary>A task's state as <c>tasks/get</c> answers it (<c>DetailedTask</c>): the status, and the result or error of a finished one.</summary>
    public static JsonObject DetailedTask(string taskId, string status, string? statusMessage, DateTimeOffset createdAt, DateTimeOffset lastUpdatedAt,
        JsonNode? result = null, JsonNode? error = null)
    {
        var task = new JsonObject
        {
            ["resultType"] = "complete",
            ["taskId"] = taskId,
            ["status"] = status,
            ["createdAt"] = createdAt.ToString("O"),
            ["lastUpdatedAt"] = lastUpdatedAt.ToString("O"),
            ["ttlMs"] = (long)TimeToLive.TotalMilliseconds,
            ["pollIntervalMs"] = (long)PollInterval.TotalMilliseconds,
        };
        if (statusMessage is not null)
        {
            task["statusMessage"] = statusMessage;
        }
        if (result is not null)
        {
            task["result"] = result;
        }
        if (error is not null)
        {
            task["error"] = error;
        }
        return task;
    }
}

/// <summary>The answer to a tools/call that goes on as a task (<c>CreateTaskResult</c>, <c>resultType: "task"</c>).</summary>
public sealed class CreateTaskResult : Result
{
    public CreateTaskResult() => ResultType = "task";

    [JsonPropertyName("taskId")]
    public required string TaskId { get; init; }

    [JsonPropertyName("status")]
    public string Status { get; init; } = "working";

    [JsonPropertyName("statusMessage")]
    public string? StatusMessage { get; init; }

    [JsonPropertyName("createdAt")]
    public required DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("lastUpdatedAt")]
    public required DateTimeOffset LastUpdatedAt { get; init; }

    [JsonPropertyName("ttlMs")]
    public long TtlMs { get; init; } = (long)TasksExtension.TimeToLive.TotalMilliseconds;

    [JsonPropertyName("pollIntervalMs")]
    public long PollIntervalMs { get; init; } = (long)TasksExtension.PollInterval.TotalMilliseconds;
}

[JsonSerializable(typeof(CreateTaskResult))]
internal sealed partial class TasksJsonContext : JsonSerializerContext;
