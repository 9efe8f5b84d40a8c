using McVSphere.Sdk.Session;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace McVSphere.Host.Hosting;

/// <summary>Health endpoints for orchestrators and load balancers, outside the MCP endpoint and its authentication.</summary>
public static class HealthEndpoints
{
    private static readonly TimeSpan ReadinessTimeout = TimeSpan.FromSeconds(10);

    /// <summary><c>/healthz</c>: the process serves. <c>/readyz</c>: the vCenter session is usable (logs in if needed).</summary>
    public static IEndpointRouteBuilder MapMcVSphereHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Text("ok"));
        endpoints.MapGet("/readyz", async (IVSphereSession session, CancellationToken cancellationToken) =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ReadinessTimeout);
            try
            {
                var content = await session.Client.ConnectAsync(timeout.Token);
                return Results.Text($"ready: {content.About.FullName}");
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var reason = ex is OperationCanceledException ? $"vCenter did not answer within {ReadinessTimeout.TotalSeconds:0} s" : ex.Message;
                return Results.Text($"not ready: {reason}", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        return endpoints;
    }
}
