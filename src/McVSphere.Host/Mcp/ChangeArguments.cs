using System.Text.Json;
using System.Text.Json.Nodes;
using McVSphere.Sdk.Safety;

namespace McVSphere.Host.Mcp;

/// <summary>
/// The arguments the host adds to tools that declare a <see cref="ChangeAttribute"/>: <c>dry_run</c> on all of them,
/// <c>confirm</c> on those that destroy something. The host answers them; the tool never sees them.
/// </summary>
public static class ChangeArguments
{
    public const string DryRun = "dry_run";
    public const string Confirm = "confirm";

    /// <summary>The tool's input schema with <c>dry_run</c> (and <c>confirm</c>) added.</summary>
    public static JsonElement AddTo(JsonElement inputSchema, ChangeAttribute change)
    {
        var schema = JsonNode.Parse(inputSchema.GetRawText())!.AsObject();
        var properties = schema["properties"] as JsonObject ?? new JsonObject();
        schema["properties"] = properties;
        properties[DryRun] = new JsonObject
        {
            ["type"] = "boolean",
            ["description"] = "Only describe what this call would change; change nothing.",
            ["default"] = false,
        };
        if (change.Destroys || change.DestroysWhen is not null)
        {
            properties[Confirm] = new JsonObject
            {
                ["type"] = "boolean",
                ["description"] = "Set to true once the user has agreed to this destructive change. Clients that support elicitation are asked instead.",
                ["default"] = false,
            };
        }
        return JsonSerializer.SerializeToElement(schema);
    }

    /// <summary>True when the call's argument <paramref name="name"/> is the JSON value true.</summary>
    public static bool IsTrue(IDictionary<string, JsonElement>? arguments, string name) =>
        arguments is not null && arguments.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>The change's description with each <c>{argument}</c> replaced by the call's value.</summary>
    public static string Describe(ChangeAttribute change, IDictionary<string, JsonElement>? arguments) =>
        System.Text.RegularExpressions.Regex.Replace(change.Description, @"\{(\w+)\}", match =>
            arguments is not null && arguments.TryGetValue(match.Groups[1].Value, out var value)
                ? value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()
                : "(default)");
}
