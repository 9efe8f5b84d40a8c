using System.Runtime.CompilerServices;
using System.Text.Json;
using Json.Schema;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Xunit;

namespace McVSphere.Testing;

/// <summary>Calls tools the way tests need them: a JSON result that must succeed, or an error that must fail.</summary>
public static class McpClientExtensions
{
    /// <summary>The output schemas each client was given, by tool (null: the tool publishes none).</summary>
    private static readonly ConditionalWeakTable<McpClient, Task<Dictionary<string, JsonSchema?>>> OutputSchemas = new();

    /// <summary>
    /// Calls a tool that must succeed and parses its text result as JSON. Where the tool publishes an outputSchema, its
    /// structuredContent must be there, equal the text, and match the schema: so every tool call of every suite checks
    /// the tool's typed result too.
    /// </summary>
    public static async Task<JsonElement> CallJsonAsync(this McpClient client, string tool, object? arguments = null,
        IProgress<ProgressNotificationValue>? progress = null, CancellationToken cancellationToken = default)
    {
        var result = await client.CallToolAsync(tool, ToDictionary(arguments), progress, cancellationToken: cancellationToken);
        var text = Text(result);
        Assert.False(result.IsError == true, $"{tool} failed: {text}");
        var json = JsonDocument.Parse(text).RootElement.Clone();
        await AssertMatchesOutputSchemaAsync(client, tool, result, json, cancellationToken);
        return json;
    }

    /// <summary>Fails unless <paramref name="result"/> carries structuredContent equal to <paramref name="json"/> that matches the tool's outputSchema.</summary>
    public static async Task AssertMatchesOutputSchemaAsync(this McpClient client, string tool, CallToolResult result, JsonElement json,
        CancellationToken cancellationToken = default)
    {
        var schemas = await OutputSchemas.GetValue(client, LoadOutputSchemasAsync);
        if (!schemas.TryGetValue(tool, out var schema) || schema is null)
        {
            return; // A compact mode family tool, whose calls answer for many tools.
        }
        Assert.True(result.StructuredContent is not null, $"{tool} publishes an outputSchema but returned no structuredContent");
        Assert.True(JsonElement.DeepEquals(result.StructuredContent.Value, json), $"{tool}'s structuredContent differs from its text: {result.StructuredContent}");
        var evaluation = schema.Evaluate(result.StructuredContent.Value, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = (evaluation.Details ?? []).Where(detail => detail.Errors is not null)
            .SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation}: {error.Value}"));
        Assert.True(evaluation.IsValid, $"{tool}'s structuredContent does not match its outputSchema: {string.Join("; ", errors)}\n{json}");
    }

    private static async Task<Dictionary<string, JsonSchema?>> LoadOutputSchemasAsync(McpClient client) =>
        (await client.ListToolsAsync()).ToDictionary(tool => tool.Name,
            tool => tool.ProtocolTool.OutputSchema is { } schema ? JsonSchema.FromText(schema.GetRawText()) : null);

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
