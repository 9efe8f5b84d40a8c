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
            // Each target's run gets a context of its own, so that the runs in parallel share no items.
            var answers = await Task.WhenAll(call.Targets.Select(async target =>
            {
                using (targets.Enter(target))
                {
                    return (target, await next(CallContexts.Copy(context, new CallToolRequestParams { Name = parameters.Name, Arguments = parameters.Arguments, Meta = parameters.Meta },
                        context.Services), cancellationToken));
                }
            }));
            return Merge(answers);
        };

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
        var read = new List<(TargetSession Target, JsonElement Content)>();
        var errors = new List<(TargetSession Target, string Error)>();
        var links = new List<ContentBlock>();
        foreach (var (target, result) in answers)
        {
            if (result.IsError == true || result.StructuredContent is not { ValueKind: JsonValueKind.Object } content)
            {
                errors.Add((target, string.Join(" ", result.Content.OfType<TextContentBlock>().Select(block => block.Text))));
                continue;
            }
            read.Add((target, content));
            links.AddRange(result.Content.OfType<ResourceLinkBlock>());
        }
        if (read.Count == 0)
        {
            return ToolErrorFilter.ErrorResult(string.Join(" ", errors.Select(error => $"vCenter '{error.Target.Name}': {error.Error}")));
        }
        // Written once, item by item: a listing of three large vCenters is copied, not rebuilt as a tree.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            var names = read.SelectMany(answer => answer.Content.EnumerateObject().Select(property => property.Name)).Distinct(StringComparer.Ordinal).ToList();
            foreach (var name in names)
            {
                var values = read.Select(answer => (answer.Target, Value: answer.Content.TryGetProperty(name, out var value) ? value : default)).ToList();
                var first = values.First(value => value.Value.ValueKind != JsonValueKind.Undefined).Value;
                writer.WritePropertyName(name);
                if (first.ValueKind == JsonValueKind.Array)
                {
                    writer.WriteStartArray();
                    foreach (var (target, value) in values.Where(value => value.Value.ValueKind == JsonValueKind.Array))
                    {
                        foreach (var item in value.EnumerateArray())
                        {
                            WriteItem(writer, item, target);
                        }
                    }
                    writer.WriteEndArray();
                }
                else if (first.ValueKind == JsonValueKind.Number && name is "count" or "total" or "returned")
                {
                    writer.WriteNumberValue(values.Where(value => value.Value.ValueKind == JsonValueKind.Number).Sum(value => value.Value.GetInt64()));
                }
                else if (first.ValueKind is JsonValueKind.True or JsonValueKind.False && name == "truncated")
                {
                    writer.WriteBooleanValue(values.Any(value => value.Value.ValueKind == JsonValueKind.True));
                }
                else
                {
                    first.WriteTo(writer);
                }
            }
            // An answer with no array (get_vcenter_info) goes whole into targets.
            var whole = read.Where(answer => !answer.Content.EnumerateObject().Any(property => property.Value.ValueKind == JsonValueKind.Array)).ToList();
            if (whole.Count > 0)
            {
                writer.WriteStartArray("targets");
                foreach (var (target, content) in whole)
                {
                    WriteItem(writer, content, target);
                }
                writer.WriteEndArray();
            }
            writer.WriteStartArray("vcenters");
            foreach (var (target, _) in read)
            {
                writer.WriteStringValue(target.Name);
            }
            writer.WriteEndArray();
            if (errors.Count > 0)
            {
                writer.WriteStartArray("errors");
                foreach (var (target, error) in errors)
                {
                    writer.WriteStartObject();
                    writer.WriteString(VCenterTargets.Argument, target.Name);
                    writer.WriteString("error", error);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        var structured = JsonDocument.Parse(buffer.WrittenMemory).RootElement;
        return new CallToolResult
        {
            StructuredContent = structured,
            Content = [new TextContentBlock { Text = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan) }, .. links],
        };
    }

    /// <summary>An item led by the name of the target it comes from; anything but an object as it is.</summary>
    private static void WriteItem(Utf8JsonWriter writer, JsonElement item, TargetSession target)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            item.WriteTo(writer);
            return;
        }
        writer.WriteStartObject();
        writer.WriteString(VCenterTargets.Argument, target.Name);
        foreach (var property in item.EnumerateObject().Where(property => property.Name != VCenterTargets.Argument))
        {
            property.WriteTo(writer);
        }
        writer.WriteEndObject();
    }
}
