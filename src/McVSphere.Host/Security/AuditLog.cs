using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using McVSphere.Sdk.Security;

namespace McVSphere.Host.Security;

/// <summary>
/// Writes one JSON line per tool call and per permission denial to the audit file and/or stderr. Arguments pass
/// through <see cref="ArgumentRedactor"/>; tool results are never recorded.
/// </summary>
public sealed class AuditLog : IDisposable
{
    public const string ToolCallEvent = "TOOL_CALL";
    public const string PermissionDeniedEvent = "PERMISSION_DENIED";

    // Error texts come from tools and vCenter; a cap keeps one line one screenful.
    private const int MaxErrorLength = 1000;

    private readonly Lock _lock = new();
    private readonly StreamWriter? _file;
    private readonly bool _toStandardError;
    private readonly TimeProvider _time;

    public AuditLog(AuditSettings settings, TimeProvider time)
    {
        _time = time;
        _toStandardError = settings.ToStandardError;
        if (settings.FilePath is not null)
        {
            var stream = new FileStream(settings.FilePath, FileMode.Append, FileAccess.Write, FileShare.Read);
            _file = new StreamWriter(stream) { AutoFlush = true };
        }
    }

    /// <summary>Records a call that was allowed and ran; <paramref name="error"/> is null when it succeeded.</summary>
    /// <param name="vcenter">The target (or targets, joined with commas) the call ran on.</param>
    public void ToolCall(Caller caller, string tool, IEnumerable<KeyValuePair<string, JsonElement>>? arguments, TimeSpan duration, string? error, string? vcenter = null) =>
        Write(new AuditRecord(_time.GetUtcNow(), ToolCallEvent, caller)
        {
            Tool = tool,
            Vcenter = vcenter,
            Args = ArgumentRedactor.Redact(arguments),
            DurationMs = Math.Round(duration.TotalMilliseconds, 2),
            Result = error is null ? "success" : "error",
            Error = error is null ? null : ArgumentRedactor.RedactUrlCredentials(error is { Length: > MaxErrorLength } ? error[..MaxErrorLength] + "…" : error),
        });

    /// <summary>Records a refused tool call or resource request.</summary>
    public void Denied(Caller caller, PermissionLevel required, string? tool = null, IEnumerable<KeyValuePair<string, JsonElement>>? arguments = null, string? resource = null,
        string? vcenter = null) =>
        Write(new AuditRecord(_time.GetUtcNow(), PermissionDeniedEvent, caller)
        {
            Tool = tool,
            Vcenter = vcenter,
            Resource = resource,
            Args = tool is null ? null : ArgumentRedactor.Redact(arguments),
            RequiredPermission = required.ToWireName(),
        });

    private void Write(AuditRecord record)
    {
        var line = JsonSerializer.Serialize(record, AuditJsonContext.Relaxed.AuditRecord);
        lock (_lock)
        {
            _file?.WriteLine(line);
            if (_toStandardError)
            {
                Console.Error.WriteLine(line);
            }
        }
    }

    public void Dispose() => _file?.Dispose();
}

/// <summary>One audit line; null members are left out.</summary>
internal sealed record AuditRecord(DateTimeOffset Timestamp, string Event, string User, string? Sub, string? Iss, IReadOnlyList<string> Groups)
{
    /// <summary>A line about <paramref name="caller"/>: the display name, and the token's subject and issuer that identify the principal.</summary>
    public AuditRecord(DateTimeOffset timestamp, string @event, Caller caller)
        : this(timestamp, @event, caller.User, caller.Subject, caller.Issuer, caller.Groups)
    {
    }

    public string? Tool { get; init; }
    public string? Vcenter { get; init; }
    public string? Resource { get; init; }
    public JsonObject? Args { get; init; }
    public double? DurationMs { get; init; }
    public string? Result { get; init; }
    public string? Error { get; init; }
    public string? RequiredPermission { get; init; }
}

[JsonSerializable(typeof(AuditRecord))]
internal sealed partial class AuditJsonContext : JsonSerializerContext
{
    /// <summary>snake_case, nulls left out, and no \u escapes for '+' or non-ASCII: the lines are read by people and log tools, not embedded in HTML.</summary>
    public static AuditJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
