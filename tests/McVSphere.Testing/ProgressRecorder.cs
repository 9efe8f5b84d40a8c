using System.Collections.Concurrent;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McVSphere.Testing;

/// <summary>
/// Records the MCP progress notifications of the calls made with its <see cref="Options"/>. It listens on the whole
/// session rather than through <c>CallToolAsync</c>'s progress parameter: the server sends each notification without
/// waiting for the previous one, so the last ones can arrive after the result, when the call has stopped listening.
/// </summary>
public sealed class ProgressRecorder : IAsyncDisposable
{
    private readonly ConcurrentQueue<ProgressNotificationValue> _values = new();
    private readonly ProgressToken _token = new(Guid.NewGuid().ToString("N"));
    private readonly IAsyncDisposable _registration;

    public ProgressRecorder(McpClient client) =>
        _registration = client.RegisterNotificationHandler(NotificationMethods.ProgressNotification, (notification, _) =>
        {
            var progress = notification.Params.Deserialize<ProgressNotificationParams>(McpJsonUtilities.DefaultOptions);
            if (progress is not null && progress.ProgressToken.Equals(_token))
            {
                _values.Enqueue(progress.Progress);
            }
            return ValueTask.CompletedTask;
        });

    /// <summary>Request options that ask for progress notifications under this recorder's token.</summary>
    public RequestOptions Options => new() { ProgressToken = _token };

    /// <summary>Waits (five seconds at most) until a notification satisfies <paramref name="condition"/>, and returns them all, in arrival order.</summary>
    public async Task<IReadOnlyList<ProgressNotificationValue>> WaitForAsync(Func<ProgressNotificationValue, bool> condition)
    {
        for (var attempt = 0; attempt < 250 && !_values.Any(condition); attempt++)
        {
            await Task.Delay(20);
        }
        return _values.ToArray();
    }

    public ValueTask DisposeAsync() => _registration.DisposeAsync();
}

public static class ProgressRecorderCalls
{
    /// <summary>Calls a tool that must succeed, with its progress notifications going to <paramref name="progress"/>, and parses its JSON result.</summary>
    public static async Task<JsonElement> CallJsonAsync(this McpClient client, string tool, object arguments, ProgressRecorder progress)
    {
        var result = await client.CallToolAsync(tool,
            JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(arguments)), options: progress.Options);
        var text = McpClientExtensions.Text(result);
        Xunit.Assert.False(result.IsError == true, $"{tool} failed: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
