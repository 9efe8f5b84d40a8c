using System.Diagnostics;
using McVSphere.Host.Hosting;
using McVSphere.Host.Mcp;
using McVSphere.Host.Mcp.Tasks;
using McVSphere.Host.Plugins;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Security;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McVSphere.Host.Security;

/// <summary>
/// RBAC, read-only mode and audit, applied once for every tool and resource of every plugin. Tools need the level
/// their <see cref="RequiresPermissionAttribute"/> declares (from the <see cref="ToolCatalog"/>), or the higher level of a
/// <see cref="UrlSourceAttribute"/> argument given as a URL; resources need READ_ONLY.
/// A caller sees only what they may use; a refused call is an MCP tool error naming the level it needs, and is audited.
/// </summary>
public static class SecurityRequestFilters
{
    /// <summary>Adds the filters. Register them before other call-tool filters, so that they see every call and its final result.</summary>
    public static IMcpRequestFilterBuilder AddSecurityFilters(this IMcpRequestFilterBuilder filters)
    {
        filters.AddListToolsFilter(ListTools);
        filters.AddCallToolFilter(CallTool);
        filters.AddListResourcesFilter(next => async (context, cancellationToken) =>
            CanReadResources(context) ? await next(context, cancellationToken) : new ListResourcesResult { Resources = [] });
        filters.AddListResourceTemplatesFilter(next => async (context, cancellationToken) =>
            CanReadResources(context) ? await next(context, cancellationToken) : new ListResourceTemplatesResult { ResourceTemplates = [] });
        filters.AddReadResourceFilter(ReadResource);
        // Completions reveal inventory names and subscriptions resource changes: both need what reading resources needs.
        filters.AddCompleteFilter(next => async (context, cancellationToken) =>
            CanReadResources(context) ? await next(context, cancellationToken) : new CompleteResult());
        filters.AddSubscribeToResourcesFilter(next => async (context, cancellationToken) =>
        {
            RequireResourceReading(context, context.Params?.Uri ?? "");
            return await next(context, cancellationToken);
        });
        return filters;
    }

    private static McpRequestHandler<ListToolsRequestParams, ListToolsResult> ListTools(McpRequestHandler<ListToolsRequestParams, ListToolsResult> next) =>
        async (context, cancellationToken) =>
        {
            var result = await next(context, cancellationToken);
            var (caller, policy) = Identify(context);
            var catalog = context.Services!.GetRequiredService<ToolCatalog>();
            result.Tools = result.Tools.Where(t => catalog.TryGetTool(t.Name, out var tool) && policy.Allows(caller, tool.Permission)).ToList();
            return result;
        };

    private static McpRequestHandler<CallToolRequestParams, CallToolResult> CallTool(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        async (context, cancellationToken) =>
        {
            var (caller, policy) = Identify(context);
            var audit = context.Services!.GetRequiredService<AuditLog>();
            var name = context.Params?.Name ?? "";
            var arguments = context.Params?.Arguments;
            // A name the catalog does not know is no served tool: the SDK answers it as unknown. A compact family tool
            // called for itself (list_operations) is a READ_ONLY tool.
            string? urlArgument = null;
            PermissionLevel? required = context.Services!.GetRequiredService<ToolCatalog>().TryGetTool(name, out var tool)
                ? tool.RequiredLevel(arguments, out urlArgument)
                : CompactToolMode.FamilyCalled(context) is not null ? PermissionLevel.ReadOnly
                : null;
            var targets = context.Services!.GetRequiredService<VCenterTargets>();
            VCenterCall call;
            try
            {
                call = VCenterRouting.Resolve(targets, tool, arguments);
            }
            catch (ToolException ex)
            {
                var refused = ToolErrorFilter.Describe(ex);
                audit.ToolCall(caller, name, arguments, TimeSpan.Zero, refused);
                return ToolErrorFilter.ErrorResult(refused);
            }
            if (required is { } level)
            {
                // A listing of every vCenter reads those the caller may read; any other call needs the level on its target.
                var allowed = call.Targets.Where(target => policy.Allows(caller, level, target)).ToList();
                if (allowed.Count == 0 || (!call.Everywhere && allowed.Count < call.Targets.Count))
                {
                    var target = call.Everywhere ? null : call.Targets[0];
                    audit.Denied(caller, level, name, arguments, vcenter: call.Everywhere ? VCenterTargets.Everywhere : target!.Name);
                    var subject = urlArgument is null ? $"tool '{name}'" : $"tool '{name}' with a URL in {urlArgument}";
                    return ToolErrorFilter.ErrorResult(policy.DenialMessage(caller, subject, level, target));
                }
                call = call with { Targets = allowed };
                context.Items[TaskAugmentationFilter.RequiredLevelItem] = level;
            }
            context.Items[VCenterRouting.CallItem] = call;
            var started = Stopwatch.GetTimestamp();
            string? error = null;
            try
            {
                var limiter = context.Services!.GetRequiredService<LongCallLimiter>();
                using var place = limiter.TryEnter(caller, tool);
                if (place is null)
                {
                    var refused = limiter.RefusalMessage(caller, name);
                    error = refused;
                    return ToolErrorFilter.ErrorResult(refused);
                }
                var result = await next(context, cancellationToken);
                error = result.IsError == true ? ErrorText(result) : null;
                return result;
            }
            catch (Exception ex)
            {
                error = ex.Message;
                throw;
            }
            finally
            {
                audit.ToolCall(caller, name, arguments, Stopwatch.GetElapsedTime(started), error, call.AuditName);
            }
        };

    private static McpRequestHandler<ReadResourceRequestParams, ReadResourceResult> ReadResource(McpRequestHandler<ReadResourceRequestParams, ReadResourceResult> next) =>
        async (context, cancellationToken) =>
        {
            RequireResourceReading(context, context.Params?.Uri ?? "");
            return await next(context, cancellationToken);
        };

    /// <summary>Throws the JSON-RPC error of a refused resource read, and audits it, unless the caller may read resources.</summary>
    /// <remarks>A URI that names a target (<c>esxi://lab/vms</c>) is checked on that target; any other on the default one.</remarks>
    internal static void RequireResourceReading<TParams>(RequestContext<TParams> context, string uri)
    {
        var (caller, policy) = Identify(context);
        TargetResource.TrySplit(uri, context.Services!.GetRequiredService<VCenterTargets>(), out var target, out _);
        if (!policy.Allows(caller, PermissionLevel.ReadOnly, target))
        {
            context.Services!.GetRequiredService<AuditLog>().Denied(caller, PermissionLevel.ReadOnly, resource: uri, vcenter: target.Name);
            throw new McpProtocolException(policy.DenialMessage(caller, $"resource '{uri}'", PermissionLevel.ReadOnly, target), McpErrorCode.InvalidRequest);
        }
    }

    private static bool CanReadResources<TParams>(RequestContext<TParams> context)
    {
        var (caller, policy) = Identify(context);
        return policy.Allows(caller, PermissionLevel.ReadOnly);
    }

    private static (Caller Caller, AccessPolicy Policy) Identify<TParams>(RequestContext<TParams> context)
    {
        var services = context.Services!;
        return (services.GetRequiredService<CallerResolver>().Resolve(context.User), services.GetRequiredService<AccessPolicy>());
    }

    private static string ErrorText(CallToolResult result) =>
        string.Join(" ", result.Content.OfType<TextContentBlock>().Select(block => block.Text));
}
