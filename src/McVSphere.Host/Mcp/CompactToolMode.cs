using System.Text.Json;
using System.Text.Json.Nodes;
using McVSphere.Host.Plugins;
using McVSphere.Host.Security;
using McVSphere.Sdk.Json;
using McVSphere.Sdk.Security;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McVSphere.Host.Mcp;

/// <summary>
/// <c>MCVSPHERE_TOOL_MODE=compact</c>: one tool per family, for clients capped at a number of tools. A family tool takes
/// an <c>operation</c> (a tool name of the family) and that tool's <c>arguments</c>; <c>operation: "list_operations"</c>
/// returns the description, level and input schema of each operation the caller may call. An operation call is
/// unwrapped into the call of the real tool before any other filter runs, so RBAC, audit, confirmations and errors
/// apply per operation exactly as in full mode; a call of the family tool itself is checked (READ_ONLY) and audited
/// by the security filters like any call, then answered.
/// </summary>
public static class CompactToolMode
{
    public const string ListOperations = "list_operations";

    /// <summary>The compact tool name of a family: its id in snake_case, e.g. VmLifecycle → vm_lifecycle.</summary>
    public static string ToolName(string family) => JsonNamingPolicy.SnakeCaseLower.ConvertName(family);

    // Set on a call of a family tool itself (list_operations, or no operation of the family): the security filters
    // check it as a READ_ONLY call of that tool, then the inner filter answers it.
    private const string FamilyCallItem = "mcvsphere.compact.family";

    /// <summary>
    /// Adds the outer filters: register them before all others, so that they see the final list and unwrap an
    /// operation call into the real tool call before any policy applies.
    /// </summary>
    public static IMcpRequestFilterBuilder AddCompactToolMode(this IMcpRequestFilterBuilder filters)
    {
        filters.AddListToolsFilter(ListTools);
        filters.AddCallToolFilter(UnwrapOperation);
        return filters;
    }

    /// <summary>
    /// Adds the filter that answers calls of a family tool itself (<c>list_operations</c>, an unknown operation):
    /// register it after the security filters, so that such a call is checked and audited like any other.
    /// </summary>
    public static IMcpRequestFilterBuilder AddCompactFamilyCalls(this IMcpRequestFilterBuilder filters) =>
        filters.AddCallToolFilter(AnswerFamilyCall);

    /// <summary>The family whose compact tool this call names, when it is no operation call (set by the outer filter).</summary>
    public static string? FamilyCalled(MessageContext context) =>
        context.Items.TryGetValue(FamilyCallItem, out var family) ? family as string : null;

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

    private static McpRequestHandler<CallToolRequestParams, CallToolResult> UnwrapOperation(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        async (context, cancellationToken) =>
        {
            var catalog = context.Services!.GetRequiredService<ToolCatalog>();
            var family = catalog.Tools.Select(t => t.Family).Distinct().FirstOrDefault(f => ToolName(f) == context.Params?.Name);
            if (family is null)
            {
                return await next(context, cancellationToken);
            }
            var arguments = context.Params!.Arguments;
            var operation = Operation(arguments);
            if (!catalog.TryGetTool(operation, out var descriptor) || descriptor.Family != family
                || !context.Server.ServerOptions.ToolCollection!.TryGetPrimitive(operation, out var tool))
            {
                context.Items[FamilyCallItem] = family;
                return await next(context, cancellationToken);
            }
            context.Params.Name = operation;
            context.Params.Arguments = arguments!.TryGetValue("arguments", out var inner) && inner.ValueKind == JsonValueKind.Object
                ? inner.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone())
                : new Dictionary<string, JsonElement>();
            context.MatchedPrimitive = tool;
            return await next(context, cancellationToken);
        };

    // After the security filters: the caller may call READ_ONLY tools, and sees only the operations it may call.
    private static McpRequestHandler<CallToolRequestParams, CallToolResult> AnswerFamilyCall(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        async (context, cancellationToken) =>
        {
            if (FamilyCalled(context) is not { } family)
            {
                return await next(context, cancellationToken);
            }
            var services = context.Services!;
            var caller = services.GetRequiredService<CallerResolver>().Resolve(context.User);
            var policy = services.GetRequiredService<AccessPolicy>();
            var operations = services.GetRequiredService<ToolCatalog>().Tools
                .Where(t => t.Family == family && policy.Allows(caller, t.Permission))
                .ToList();
            var operation = Operation(context.Params!.Arguments);
            if (operation == ListOperations)
            {
                return new CallToolResult { Content = [new TextContentBlock { Text = DescribeOperations(context.Server, operations) }] };
            }
            return ToolErrorFilter.ErrorResult(
                $"operation: '{operation}' is not an operation of {ToolName(family)}. Operations: {ListOperations}, {string.Join(", ", operations.Select(t => t.Name))}.");
        };

    private static string Operation(IDictionary<string, JsonElement>? arguments) =>
        arguments is not null && arguments.TryGetValue("operation", out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : "";

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
