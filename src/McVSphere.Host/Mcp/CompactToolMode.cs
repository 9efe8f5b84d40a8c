using System.Text.Json;
using System.Text.Json.Nodes;
using McVSphere.Host.Plugins;
using McVSphere.Sdk.Json;
using McVSphere.Sdk.Security;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McVSphere.Host.Mcp;

/// <summary>
/// <c>MCVSPHERE_TOOL_MODE=compact</c>: one tool per family, for clients capped at a number of tools. A family tool takes
/// an <c>operation</c> (a tool name of the family) and that tool's <c>arguments</c>; <c>operation: "list_operations"</c>
/// returns each operation's description, level and input schema. A call is unwrapped into the call of the real tool
/// before any other filter runs, so RBAC, audit, confirmations and errors apply per operation exactly as in full mode.
/// </summary>
public static class CompactToolMode
{
    public const string ListOperations = "list_operations";

    /// <summary>The compact tool name of a family: its id in snake_case, e.g. VmLifecycle → vm_lifecycle.</summary>
    public static string ToolName(string family) => JsonNamingPolicy.SnakeCaseLower.ConvertName(family);

    /// <summary>Adds the filters; register them before all others, so that they see the final list and the first call.</summary>
    public static IMcpRequestFilterBuilder AddCompactToolMode(this IMcpRequestFilterBuilder filters)
    {
        filters.AddListToolsFilter(ListTools);
        filters.AddCallToolFilter(CallTool);
        return filters;
    }

    // Replaces the (already RBAC-filtered) tools by one tool per family that still has some.
    private static McpRequestHandler<ListToolsRequestParams, ListToolsResult> ListTools(McpRequestHandler<ListToolsRequestParams, ListToolsResult> next) =>
        async (context, cancellationToken) =>
        {
            var result = await next(context, cancellationToken);
            var catalog = context.Services!.GetRequiredService<ToolCatalog>();
            result.Tools = result.Tools
                .Where(tool => catalog.TryGetTool(tool.Name, out _))
                .GroupBy(tool => { catalog.TryGetTool(tool.Name, out var descriptor); return descriptor.Family; })
                .Select(family => FamilyTool(family.Key, family.ToList()))
                .ToList();
            return result;
        };

    private static McpRequestHandler<CallToolRequestParams, CallToolResult> CallTool(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        async (context, cancellationToken) =>
        {
            var catalog = context.Services!.GetRequiredService<ToolCatalog>();
            var family = catalog.Tools.Select(t => t.Family).Distinct().FirstOrDefault(f => ToolName(f) == context.Params?.Name);
            if (family is null)
            {
                return await next(context, cancellationToken);
            }
            var arguments = context.Params!.Arguments;
            var operation = arguments is not null && arguments.TryGetValue("operation", out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()!
                : "";
            var operations = catalog.Tools.Where(t => t.Family == family).ToList();
            if (operation == ListOperations)
            {
                return new CallToolResult { Content = [new TextContentBlock { Text = DescribeOperations(context.Server, operations) }] };
            }
            if (!operations.Any(t => t.Name == operation) || !context.Server.ServerOptions.ToolCollection!.TryGetPrimitive(operation, out var tool))
            {
                return ToolErrorFilter.ErrorResult(
                    $"operation: '{operation}' is not an operation of {ToolName(family)}. Operations: {ListOperations}, {string.Join(", ", operations.Select(t => t.Name))}.");
            }
            context.Params.Name = operation;
            context.Params.Arguments = arguments!.TryGetValue("arguments", out var inner) && inner.ValueKind == JsonValueKind.Object
                ? inner.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone())
                : new Dictionary<string, JsonElement>();
            context.MatchedPrimitive = tool;
            return await next(context, cancellationToken);
        };

    private static Tool FamilyTool(string family, IReadOnlyList<Tool> tools) => new()
    {
        Name = ToolName(family),
        Description =
            $"{family} operations. Call with operation set to one of them and arguments set to its arguments; operation " +
            $"'{ListOperations}' returns every operation's arguments schema. Operations: " +
            string.Join("; ", tools.Select(t => $"{t.Name}: {FirstSentence(t.Description)}")),
        InputSchema = JsonSerializer.SerializeToElement(new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["operation"] = new JsonObject
                {
                    ["type"] = "string",
                    ["enum"] = new JsonArray([ListOperations, .. tools.Select(t => (JsonNode)t.Name)]),
                },
                ["arguments"] = new JsonObject { ["type"] = "object", ["description"] = "The operation's arguments." },
            },
            ["required"] = new JsonArray("operation"),
        }),
        Annotations = new ToolAnnotations
        {
            ReadOnlyHint = tools.All(t => t.Annotations?.ReadOnlyHint == true),
            DestructiveHint = tools.Any(t => t.Annotations?.DestructiveHint == true),
        },
    };

    private static string DescribeOperations(McpServer server, IEnumerable<ToolDescriptor> operations) =>
        McVSphereJson.Serialize(operations
            .Where(t => server.ServerOptions.ToolCollection!.TryGetPrimitive(t.Name, out _))
            .Select(t =>
            {
                server.ServerOptions.ToolCollection!.TryGetPrimitive(t.Name, out var tool);
                return new OperationDescription(t.Name, t.Permission.ToWireName(), tool!.ProtocolTool.Description, tool.ProtocolTool.InputSchema);
            }));

    private static string FirstSentence(string? text)
    {
        var end = text?.IndexOf(". ", StringComparison.Ordinal) ?? -1;
        return end < 0 ? text ?? "" : text![..(end + 1)];
    }

    private sealed record OperationDescription(string Operation, string Permission, string? Description, JsonElement InputSchema);
}
