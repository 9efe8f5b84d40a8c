using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using McVSphere.Host.Security;
using McVSphere.Sdk.Security;
using McVSphere.VSphere.Vim;

namespace McVSphere.Host.Mcp.Tasks;

/// <summary>
/// What an MCP task id says, so that any instance can answer for it with no shared store: the vSphere work it names
/// (a task, or the NFC lease of an OVF transfer), the tool that started it, the level that tool needed and who called
/// it, and the target it ran on (several vCenters; none: the default one), signed by <see cref="RequestStateSigner"/>.
/// A bare vSphere task id ("task-123") is a handle too, for FULL_ADMIN only: tasks not started through this server.
/// </summary>
public sealed record TaskHandle(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("tool")] string? Tool,
    [property: JsonPropertyName("level")] PermissionLevel Level,
    [property: JsonPropertyName("by")] string? Principal,
    [property: JsonPropertyName("at")] long CreatedAtMs,
    [property: JsonPropertyName("vc")] string? Target = null)
{
    /// <summary>The vSphere task or lease.</summary>
    [JsonIgnore]
    public ManagedObjectReference Work => new(Type, Id);

    [JsonIgnore]
    public DateTimeOffset CreatedAt => DateTimeOffset.FromUnixTimeMilliseconds(CreatedAtMs);

    /// <summary>Whether this handle names a task some tool of this server started (rather than any vSphere task).</summary>
    [JsonIgnore]
    public bool StartedHere => Tool is not null;
}

/// <summary>Issues and reads <see cref="TaskHandle"/>s.</summary>
public sealed class TaskHandles(RequestStateSigner signer)
{
    private const string What = "task id";

    public string Issue(ManagedObjectReference work, string tool, PermissionLevel level, Caller caller, DateTimeOffset createdAt, string target) =>
        signer.Sign(new TaskHandle(work.Type, work.Value, tool, level, ConfirmationStates.Principal(caller), createdAt.ToUnixTimeMilliseconds(), target));

    /// <summary>Whether <paramref name="taskId"/> is a handle this server issued, or a bare vSphere task id (of the default target); else why not.</summary>
    public bool TryRead(string taskId, [NotNullWhen(true)] out TaskHandle? handle, [NotNullWhen(false)] out string? problem)
    {
        var id = taskId.Trim();
        if (id.StartsWith("task-", StringComparison.Ordinal) && !id.Contains('.'))
        {
            handle = new TaskHandle(VSphereWork.TaskType, id, Tool: null, PermissionLevel.FullAdmin, Principal: null, CreatedAtMs: 0);
            problem = null;
            return true;
        }
        return signer.TryVerify(id, What, out handle, out problem);
    }
}
