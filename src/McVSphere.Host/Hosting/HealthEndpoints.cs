using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace McVSphere.Host.Hosting;

/// <summary>Health endpoints for orchestrators and load balancers, outside the MCP endpoint and its authentication.</summary>
public static class HealthEndpoints
{
    /// <summary>
    /// <c>/healthz</c>: the process serves. <c>/readyz</c>: vCenter answers and the session is logged in
    /// (<see cref="ReadinessProbe"/>). Both are unauthenticated, so they say yes or no and nothing about vCenter.
    /// </summary>
    public static IEndpointRouteBuilder MapMcVSphereHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Text("ok"));
        endpoints.MapGet("/readyz", async (ReadinessProbe probe, CancellationToken cancellationToken) =>
            (await probe.CheckAsync(cancellationToken)).IsReady
                ? Results.Text("ready")
                : Results.Text("not ready", statusCode: StatusCodes.Status503ServiceUnavailable));
        return endpoints;
    }
}
