using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McVSphere.Host.Mcp;

/// <summary>
/// Cancels every tool call in flight when the server is asked to stop (SIGTERM, Ctrl+C), so that their vSphere
/// tasks are cancelled where vCenter can and the server logs out of vCenter within seconds, instead of waiting for
/// long tasks until the host's shutdown timeout kills it with its session still open. The caller is answered with
/// what became of the call.
/// </summary>
public static class ShutdownCancellationFilter
{
    public static McpRequestHandler<CallToolRequestParams, CallToolResult> Apply(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        async (context, cancellationToken) =>
        {
            var stopping = context.Services!.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
            try
            {
                return await next(context, call.Token);
            }
            catch (OperationCanceledException cancelled) when (stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return ToolErrorFilter.ErrorResult($"The server is shutting down and cancelled {context.Params?.Name}. {cancelled.Message}");
            }
        };
}
