using System.Text.Json;
using System.Text.Json.Nodes;
using McVSphere.Host.Hosting;
using McVSphere.Host.Plugins;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Json;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McVSphere.Host.Mcp;

/// <summary>The targets a tool call runs on, as the security filter allowed them.</summary>
/// <param name="Targets">One target, or for <c>vcenter: "*"</c> every target the caller may use the tool on.</param>
/// <param name="Everywhere">The call asked for every target (<c>"*"</c>): its answers are merged.</param>
public sealed record VCenterCall(IReadOnlyList<TargetSession> Targets, bool Everywhere)
{
    /// <summary>How audit lines name the targets: one name, or the names joined with commas.</summary>
    public string AuditName => string.Join(",", Targets.Select(target => target.Name));
}

/// <summary>
/// The <c>vcenter</c> argument every tool takes when several targets are configured (MCVSPHERE_TARGETS_FILE): the host
/// adds it to each tool's schema, takes it out of the call, and runs the tool with the session of that target
/// (<see cref="VCenterTargets.Enter"/>). A listing (<see cref="ToolDescriptor.ListsEveryVCenter"/>) given <c>"*"</c>
/// runs on every target the caller may read, in parallel, and its answers are merged (<see cref="Merge"/>).
/// </summary>
public static class VCenterRouting
{
    /// <summary>Where the security filter leaves the <see cref="VCenterCall"/> it allowed.</summary>
    public const string CallItem = "mcvsphere.vcenterCall";

    /// <summary>The tool's input schema with the <c>vcenter</c> argument added.</summary>
    public static JsonElement AddArgument(JsonElement inputSchema, VCenterTargets targets, bool listsEveryVCenter)
    {
        var schema = JsonNode.Parse(inputSchema.GetRawText())!.AsObject();
        var properties = schema["properties"] as JsonObject ?? new JsonObject();
        schema["properties"] = properties;
        var names = targets.All.Select(target => target.Name).ToList();
        var description = $"The vCenter to work on: {string.Join(", ", names)}. Default: {targets.Default.Name}.";
        if (listsEveryVCenter)
        {
            names.Add(VCenterTargets.Everywhere);
            description += " \"*\" lists every vCenter you may read, each item with its vcenter.";
        }
        properties[VCenterTargets.Argument] = new JsonObject
        {
            ["type"] = "string",
            ["description"] = description,
            ["enum"] = new JsonArray([.. names.Select(name => JsonValue.Create(name))]),
        };
        return JsonSerializer.SerializeToElement(schema);
    }

    /// <summary>
    /// The targets <paramref name="arguments"/> name: their <c>vcenter</c>, else the default target; <c>"*"</c> (listings
    /// only) means every target, for the security filter to narrow down.
    /// </summary>
    /// <exception cref="ToolException">vcenter is not a string, names no target, or is "*" for a tool that is no listing.</exception>
    public static VCenterCall Resolve(VCenterTargets targets, ToolDescriptor? tool, IDictionary<string, JsonElement>? arguments)
    {
        if (!targets.FromFile || arguments is null || !arguments.TryGetValue(VCenterTargets.Argument, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return new VCenterCall([targets.Default], Everywhere: false);
        }
        var names = targets.All.Select(target => target.Name).ToList();
        if (value.ValueKind != JsonValueKind.String)
        {
            throw ToolException.InvalidArgument(VCenterTargets.Argument, $"{VCenterTargets.Argument} must be a target name (a string).", names);
        }
        var name = value.GetString()!.Trim();
        if (name == VCenterTargets.Everywhere)
        {
            if (tool?.ListsEveryVCenter != true)
            {
                throw ToolException.InvalidArgument(VCenterTargets.Argument,
                    $"{VCenterTargets.Argument}: \"*\" is for listings (list_vms, list_hosts, get_alarms and the like); {tool?.Name ?? "this tool"} works on one vCenter at a time.", names);
            }
            return new VCenterCall(targets.All, Everywhere: true);
        }
        return new VCenterCall([targets.Require(name)], Everywhere: false);
    }

    public static McpRequestHandler<CallToolRequestParams, CallToolResult> Apply(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        async (context, cancellationToken) =>
        {
            if (!context.Items.TryGetValue(CallItem, out var item) || item is not VCenterCall call || context.Params is not { } parameters)
            {
                return await next(context, cancellationToken);
            }
            var targets = context.Services!.GetRequiredService<VCenterTargets>();
            if (parameters.Arguments is { } given && given.ContainsKey(VCenterTargets.Argument))
            {
                // The tool never sees the argument; its session is the target's.
                parameters.Arguments = given.Where(argument => argument.Key != VCenterTargets.Argument).ToDictionary();
            }
            if (!call.Everywhere)
            {
                var target = call.Targets[0];
                using (targets.Enter(target))
                {
                    var result = await next(context, cancellationToken);
                    return targets.FromFile ? NameTargetInError(result, target) : result;
                }
            }
            var answers = await Task.WhenAll(call.Targets.Select(async target =>
            {
                using (targets.Enter(target))
                {
                    return (target, await next(Branch(context, parameters), cancellationToken));
                }
            }));
            return Merge(answers);
        };

    /// <summary>A context of its own for one target's run of a listing, so that the runs in parallel share no items.</summary>
    private static RequestContext<CallToolRequestParams> Branch(RequestContext<CallToolRequestParams> context, CallToolRequestParams parameters)
    {
        var branch = new RequestContext<CallToolRequestParams>(context.Server, context.JsonRpcRequest, new CallToolRequestParams
        {
            Name = parameters.Name,
            Arguments = parameters.Arguments,
            Meta = parameters.Meta,
        })
        {
            MatchedPrimitive = context.MatchedPrimitive,
            Services = context.Services,
            User = context.User,
        };
        foreach (var (key, value) in context.Items)
        {
            branch.Items[key] = value;
        }
        return branch;
    }

    private static CallToolResult NameTargetInError(CallToolResult result, TargetSession target)
    {
        if (result.IsError == true && result.Content.FirstOrDefault() is TextContentBlock first && !first.Text.StartsWith("vCenter '", StringComparison.Ordinal))
        {
            result.Content = [new TextContentBlock { Text = $"vCenter '{target.Name}': {first.Text}" }, .. result.Content.Skip(1)];
        }
        return result;
    }

    /// <summary>
    /// One answer from the answers of each target: arrays joined in target order, each item led by its <c>vcenter</c>;
    /// <c>count</c>, <c>total</c> and <c>returned</c> added; <c>truncated</c> when any was; other values from the first
    /// target that answered. An answer with no array (get_vcenter_info) goes whole into <c>targets</c>. The targets
    /// read are listed in <c>vcenters</c>, those that failed in <c>errors</c>; when all fail, the call fails.
    /// </summary>
    internal static CallToolResult Merge(IReadOnlyList<(TargetSession Target, CallToolResult Result)> answers)
    {
        var merged = new JsonObject();
        var read = new JsonArray();
        var errors = new JsonArray();
        var whole = new JsonArray();
        var links = new List<ContentBlock>();
        foreach (var (target, result) in answers)
        {
            if (result.IsError == true || result.StructuredContent is not { ValueKind: JsonValueKind.Object } content)
            {
                var text = string.Join(" ", result.Content.OfType<TextContentBlock>().Select(block => block.Text));
                errors.Add(new JsonObject { [VCenterTargets.Argument] = target.Name, ["error"] = text });
                continue;
            }
            read.Add(target.Name);
            links.AddRange(result.Content.OfType<ResourceLinkBlock>());
            var hasArray = false;
            foreach (var property in content.EnumerateObject())
            {
                var value = property.Value;
                switch (value.ValueKind)
                {
                    case JsonValueKind.Array:
                        hasArray = true;
                        var list = merged[property.Name] as JsonArray ?? [];
                        merged[property.Name] = list;
                        foreach (var element in value.EnumerateArray())
                        {
                            list.Add(element.ValueKind == JsonValueKind.Object ? WithTarget(element, target) : JsonNode.Parse(element.GetRawText()));
                        }
                        break;
                    case JsonValueKind.Number when property.Name is "count" or "total" or "returned":
                        merged[property.Name] = (merged[property.Name]?.GetValue<long>() ?? 0) + value.GetInt64();
                        break;
                    case JsonValueKind.True or JsonValueKind.False when property.Name == "truncated":
                        merged[property.Name] = merged[property.Name]?.GetValue<bool>() == true || value.GetBoolean();
                        break;
                    default:
                        if (!merged.ContainsKey(property.Name))
                        {
                            merged[property.Name] = JsonNode.Parse(value.GetRawText());
                        }
                        break;
                }
            }
            if (!hasArray)
            {
                whole.Add(WithTarget(content, target));
            }
        }
        if (read.Count == 0)
        {
            return ToolErrorFilter.ErrorResult(string.Join(" ", errors.Select(error => $"vCenter '{error![VCenterTargets.Argument]}': {error["error"]}")));
        }
        if (whole.Count > 0)
        {
            merged["targets"] = whole;
        }
        merged["vcenters"] = read;
        if (errors.Count > 0)
        {
            merged["errors"] = errors;
        }
        var structured = JsonSerializer.SerializeToElement(merged, McVSphereJson.Options);
        return new CallToolResult
        {
            StructuredContent = structured,
            Content = [new TextContentBlock { Text = structured.GetRawText() }, .. links],
        };
    }

    /// <summary>An item led by the name of the target it comes from.</summary>
    private static JsonObject WithTarget(JsonElement item, TargetSession target)
    {
        var copy = new JsonObject { [VCenterTargets.Argument] = target.Name };
        foreach (var property in item.EnumerateObject().Where(p => p.Name != VCenterTargets.Argument))
        {
            copy[property.Name] = JsonNode.Parse(property.Value.GetRawText());
        }
        return copy;
    }
}
