using System.Text.Json;
using System.Text.RegularExpressions;
using McVSphere.Host.Hosting;
using McVSphere.Host.Plugins;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McVSphere.Host.Mcp;

/// <summary>
/// Adds a resource link per listed item to the results of tools marked <see cref="McVSphere.Sdk.Resources.LinksItemsToAttribute"/>:
/// <c>items[].name</c> fills the item resource's URI template (list_vms links each VM to <c>esxi://vms/{vm_name}</c>, and
/// with several vCenters to <c>esxi://{vcenter}/vms/{vm_name}</c>).
/// </summary>
public static partial class ResourceLinkFilter
{
    public static McpRequestHandler<CallToolRequestParams, CallToolResult> Apply(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        async (context, cancellationToken) =>
        {
            var result = await next(context, cancellationToken);
            if (result.IsError == true
                || !context.Services!.GetRequiredService<ToolCatalog>().TryGetTool(context.Params?.Name ?? "", out var tool)
                || tool.ItemResource is not { } template
                || result.StructuredContent is not { ValueKind: JsonValueKind.Object } content
                || !content.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
            {
                return result;
            }
            // With several vCenters the link names the target the items come from (esxi://lab/vms/web-01).
            var targets = context.Services!.GetRequiredService<VCenterTargets>();
            string Link(string name) => targets.FromFile ? TargetResource.OnTarget(Expand(template.UriTemplate, name), targets.Current.Name) : Expand(template.UriTemplate, name);
            var links = items.EnumerateArray()
                .Select(item => item.ValueKind == JsonValueKind.Object && item.TryGetProperty("name", out var name) ? name.GetString() : null)
                .OfType<string>()
                .Select(name => new ResourceLinkBlock { Uri = Link(name), Name = name, MimeType = "application/json" });
            result.Content = [.. result.Content, .. links];
            return result;
        };

    /// <summary>The template with its one variable replaced by <paramref name="value"/>, escaped as a URI template expands it.</summary>
    internal static string Expand(string template, string value) => Variable().Replace(template, Uri.EscapeDataString(value), 1);

    /// <summary>Whether <paramref name="template"/> has exactly one variable.</summary>
    internal static bool HasOneVariable(string template) => Variable().Count(template) == 1;

    [GeneratedRegex(@"\{[A-Za-z_][A-Za-z0-9_]*\}")]
    private static partial Regex Variable();
}
