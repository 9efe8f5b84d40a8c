using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Xunit;

namespace McVSphere.Testing;

/// <summary>Calls tools the way tests need them: a JSON result that must succeed, or an error that must fail.</summary>
public static class McpClientExtensions
{
    /// <summary>Calls a tool that must succeed and parses its text result as JSON.</summary>
    public static async Task<JsonElement> CallJsonAsync(this McpClient client, string tool, object? arguments = null,
        IProgress<ProgressNotificationValue>? progress = null, CancellationToken cancellationToken = default)
    {
        var result = await client.CallToolAsync(tool, ToDictionary(arguments), progress, cancellationToken: cancellationToken);
        var text = Text(result);
        Assert.False(result.IsError == true, $"{tool} failed: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Calls a tool that must fail and returns its error text.</summary>
    public static async Task<string> CallErrorAsync(this McpClient client, string tool, object? arguments = null, CancellationToken cancellationToken = default)
    {
        var result = await client.CallToolAsync(tool, ToDictionary(arguments), cancellationToken: cancellationToken);
        var text = Text(result);
        Assert.True(result.IsError == true, $"{tool} was expected to fail but returned: {text}");
        return text;
    }

    /// <summary>The concatenated text blocks of a result.</summary>
    public static string Text(CallToolResult result) =>
        string.Concat(result.Content.OfType<TextContentBlock>().Select(block => block.Text));

    private static Dictionary<string, object?>? ToDictionary(object? arguments) => arguments switch
    {
        null => null,
        IReadOnlyDictionary<string, object?> dictionary => dictionary.ToDictionary(),
        _ => JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(arguments)),
    };
}
