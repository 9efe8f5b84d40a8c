using System.Reflection;
using System.Text.Json.Nodes;
using McVSphere.Host.Hosting;
using McVSphere.Host.Plugins;
using McVSphere.Sdk.Json;
using McVSphere.Sdk.Security;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McVSphere.Host.Mcp;

/// <summary>
/// Turns plugin methods into MCP SDK tools and resources: the tool class comes from DI per call, and each tool's
/// annotations are derived from its permission level where the tool does not set them.
/// </summary>
public static class McpToolFactory
{
    /// <summary>The <c>_meta</c> key that carries a tool's permission level in tools/list.</summary>
    public const string PermissionMetaKey = "io.mcvsphere/permission";

    /// <summary>The <c>_meta</c> key that carries the family (plugin id) of a tool.</summary>
    public const string FamilyMetaKey = "io.mcvsphere/family";

    /// <summary>The tool name the MCP SDK derives for a method.</summary>
    /// <remarks>A name set on the attribute is taken as is: building the tool (its JSON schema) just for its name costs start-up time.</remarks>
    public static string DescribeName(MethodInfo method) =>
        method.GetCustomAttribute<McpServerToolAttribute>()?.Name ?? Create(method, services: null).ProtocolTool.Name;

    /// <summary>The URI or URI template the MCP SDK derives for a resource method.</summary>
    public static string DescribeResourceUri(MethodInfo method)
    {
        if (method.GetCustomAttribute<McpServerResourceAttribute>()?.UriTemplate is { } declared)
        {
            return declared;
        }
        var resource = CreateResource(method, services: null);
        return resource.ProtocolResource?.Uri ?? resource.ProtocolResourceTemplate.UriTemplate;
    }

    /// <summary>Creates the served tool for <paramref name="descriptor"/>.</summary>
    public static McpServerTool CreateTool(ToolDescriptor descriptor, IServiceProvider services)
    {
        var tool = Create(descriptor.Method, services);
        var annotations = tool.ProtocolTool.Annotations ??= new ToolAnnotations();
        var readOnly = descriptor.Permission == PermissionLevel.ReadOnly;
        annotations.ReadOnlyHint ??= readOnly;
        annotations.DestructiveHint ??= false;
        annotations.IdempotentHint ??= readOnly;
        annotations.OpenWorldHint ??= false;
        var meta = tool.ProtocolTool.Meta ??= new JsonObject();
        meta[PermissionMetaKey] = descriptor.Permission.ToWireName();
        meta[FamilyMetaKey] = descriptor.Family;
        if (tool.ProtocolTool.OutputSchema is { } outputSchema)
        {
            tool.ProtocolTool.OutputSchema = OutputSchemas.ForWire(outputSchema, answersDryRuns: descriptor.Change is not null);
        }
        if (descriptor.Change is { } change)
        {
            tool.ProtocolTool.InputSchema = ChangeArguments.AddTo(tool.ProtocolTool.InputSchema, change);
            annotations.DestructiveHint = annotations.DestructiveHint == true || change.Destroys || change.DestroysWhen is not null;
        }
        if (services?.GetService<VCenterTargets>() is { FromFile: true } targets)
        {
            tool.ProtocolTool.InputSchema = VCenterRouting.AddArgument(tool.ProtocolTool.InputSchema, targets, descriptor.ListsEveryVCenter);
        }
        return tool;
    }

    /// <summary>Creates the served resource for <paramref name="descriptor"/>.</summary>
    public static McpServerResource CreateResource(ResourceDescriptor descriptor, IServiceProvider services) =>
        CreateResource(descriptor.Method, services);

    private static McpServerTool Create(MethodInfo method, IServiceProvider? services)
    {
        var options = new McpServerToolCreateOptions { Services = services, SerializerOptions = McVSphereJson.Options };
        return method.IsStatic
            ? McpServerTool.Create(method, target: null, options)
            : McpServerTool.Create(method, CreateTarget<CallToolRequestParams>(method), options);
    }

    private static McpServerResource CreateResource(MethodInfo method, IServiceProvider? services)
    {
        var options = new McpServerResourceCreateOptions { Services = services };
        return method.IsStatic
            ? McpServerResource.Create(method, target: null, options)
            : McpServerResource.Create(method, CreateTarget<ReadResourceRequestParams>(method), options);
    }

    // Tool classes are registered transient in DI (see PluginServiceCollectionExtensions): one instance per call.
    private static Func<RequestContext<TParams>, object> CreateTarget<TParams>(MethodInfo method)
    {
        var type = method.DeclaringType!;
        return context => ActivatorUtilities.GetServiceOrCreateInstance(context.Services!, type);
    }
}
