using System.Text.Json;
using System.Text.Json.Nodes;

namespace McVSphere.Host.Mcp;

/// <summary>
/// The output schemas tools publish, made to describe what the host sends: a null field is left out of a result
/// (<see cref="McVSphere.Sdk.Json.McVSphereJson"/>), so a nullable property is optional; a tool that changes something may
/// answer a dry run instead (<see cref="DryRunResult"/>).
/// </summary>
internal static class OutputSchemas
{
    /// <summary>The schema of the answer to a dry run.</summary>
    private static readonly JsonNode DryRunSchema = JsonNode.Parse("""
        {
          "type": "object",
          "properties": {
            "tool": { "type": "string" },
            "would_change": { "type": "string" },
            "requires_confirmation": { "type": "boolean" },
            "dry_run": { "const": true }
          },
          "required": ["tool", "would_change", "requires_confirmation", "dry_run"]
        }
        """)!;

    /// <summary>The schema the SDK derived from a tool's result type, as the host's results are written.</summary>
    public static JsonElement ForWire(JsonElement derived, bool answersDryRuns)
    {
        var schema = JsonNode.Parse(derived.GetRawText())!;
        MakeNullablesOptional(schema);
        if (answersDryRuns)
        {
            // The root stays an object schema: clients before 2026-07-28 require "type": "object" there. The SDK points
            // repeated types at their first use ("$ref": "#/properties/..."), which now sits under anyOf/0.
            RebaseReferences(schema, "#/anyOf/0");
            schema = new JsonObject { ["type"] = "object", ["anyOf"] = new JsonArray(schema, DryRunSchema.DeepClone()) };
        }
        return JsonSerializer.SerializeToElement(schema);
    }

    /// <summary>A nullable property is left out when null, so it is not required.</summary>
    private static void MakeNullablesOptional(JsonNode schema) => VisitObjects(schema, node =>
    {
        if (node["properties"] is JsonObject properties && node["required"] is JsonArray required)
        {
            foreach (var name in required.Where(item => IsNullable(properties[item!.GetValue<string>()])).ToList())
            {
                required.Remove(name);
            }
        }
    });

    private static void RebaseReferences(JsonNode schema, string root) => VisitObjects(schema, node =>
    {
        if (node["$ref"] is JsonValue reference && reference.GetValue<string>() is var target && target.StartsWith('#'))
        {
            node["$ref"] = root + target[1..];
        }
    });

    /// <summary>Calls <paramref name="visit"/> on every object of the schema document, outermost first.</summary>
    private static void VisitObjects(JsonNode? node, Action<JsonObject> visit)
    {
        if (node is JsonObject current)
        {
            visit(current);
        }
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject members => members.Select(property => property.Value).ToList(),
            JsonArray items => items,
            _ => [],
        };
        foreach (var child in children)
        {
            VisitObjects(child, visit);
        }
    }

    private static bool IsNullable(JsonNode? property) => property?["type"] switch
    {
        JsonArray types => types.Any(type => type?.GetValue<string>() == "null"),
        JsonValue type => type.GetValue<string>() == "null",
        _ => false,
    };
}
