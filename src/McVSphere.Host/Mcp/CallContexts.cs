using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McVSphere.Host.Mcp;

/// <summary>Tool call contexts of the host's own making: a call run again apart from the request that carried it.</summary>
internal static class CallContexts
{
    /// <summary>
    /// A copy of <paramref name="context"/> with <paramref name="parameters"/> and <paramref name="services"/>, and items
    /// of its own (copied), so that what the copy's filters record does not touch the original's.
    /// </summary>
    public static RequestContext<CallToolRequestParams> Copy(RequestContext<CallToolRequestParams> context, CallToolRequestParams parameters, IServiceProvider? services)
    {
        var copy = new RequestContext<CallToolRequestParams>(context.Server, context.JsonRpcRequest, parameters)
        {
            MatchedPrimitive = context.MatchedPrimitive,
            Services = services,
            User = context.User,
        };
        foreach (var (key, value) in context.Items)
        {
            copy.Items[key] = value;
        }
        return copy;
    }
}
