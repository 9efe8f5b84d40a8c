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
    /// With several targets, <c>/readyz</c> lists each ("prod: ready") and is ready while one is; <c>/readyz/{target}</c>
    /// answers for one.
    /// </summary>
    public static IEndpointRouteBuilder MapMcVSphereHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Text("ok"));
        endpoints.MapGet("/readyz", async (ReadinessProbe probe, VCenterTargets targets, CancellationToken cancellationToken) =>
        {
            if (!targets.FromFile)
            {
                return Answer((await probe.CheckAsync(targets.Default, cancellationToken)).IsReady, "ready", "not ready");
            }
            var states = await Task.WhenAll(targets.All.Select(async target => (target.Name, (await probe.CheckAsync(target, cancellationToken)).IsReady)));
            var body = string.Concat(states.Select(state => $"{state.Name}: {(state.IsReady ? "ready" : "not ready")}\n"));
            return Answer(states.Any(state => state.IsReady), body, body);
        });
        endpoints.MapGet("/readyz/{target}", async (string target, ReadinessProbe probe, VCenterTargets targets, CancellationToken cancellationToken) =>
            targets.Find(target) is { } found
                ? Answer((await probe.CheckAsync(found, cancellationToken)).IsReady, "ready", "not ready")
                : Results.Text("no such target", statusCode: StatusCodes.Status404NotFound));
        return endpoints;
    }

    private static IResult Answer(bool ready, string readyBody, string notReadyBody) =>
        ready ? Results.Text(readyBody) : Results.Text(notReadyBody, statusCode: StatusCodes.Status503ServiceUnavailable);
}
