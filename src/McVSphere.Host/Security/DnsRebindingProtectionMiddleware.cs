using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace McVSphere.Host.Security;

/// <summary>
/// Refuses requests that a web page could have sent through a rebound DNS name, as the MCP transport spec requires:
/// a Host header that is not an allowed host name gets 400, an Origin header that is not an allowed origin gets 403.
/// The OAuth proxy's endpoints are cross-origin by design (the provider posts the login back from its own origin,
/// form_post; browser clients register and redeem codes), and serve no MCP: their Origin is not checked.
/// </summary>
public sealed class DnsRebindingProtectionMiddleware(RequestDelegate next, DnsRebindingSettings settings, ILogger<DnsRebindingProtectionMiddleware> logger)
{
    private readonly StringSegment[] _hosts = settings.AllowedHosts.Select(h => new StringSegment(h)).ToArray();

    public Task InvokeAsync(HttpContext context)
    {
        var host = context.Request.Host;
        if (!host.HasValue || !HostString.MatchesAny(host.Host, _hosts))
        {
            return Refuse(context, StatusCodes.Status400BadRequest, "Host", host.Value ?? "");
        }
        var origin = context.Request.Headers.Origin;
        if (origin.Count > 0 && !IsCrossOriginByDesign(context.Request.Path) && !IsAllowedOrigin(origin.ToString()))
        {
            return Refuse(context, StatusCodes.Status403Forbidden, "Origin", origin.ToString());
        }
        return next(context);
    }

    private static bool IsCrossOriginByDesign(PathString path) =>
        OAuthProxy.OAuthProxyEndpoints.Paths.Any(proxyPath => path.Equals(proxyPath, StringComparison.OrdinalIgnoreCase));

    private bool IsAllowedOrigin(string origin) => settings.AllowedOrigins is { } origins
        ? origins.Any(o => o == "*" || string.Equals(o, origin.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
        : Uri.TryCreate(origin, UriKind.Absolute, out var url) && HostString.MatchesAny(url.Host, _hosts);

    private Task Refuse(HttpContext context, int status, string header, string value)
    {
        // The value is the caller's; logged as data, trimmed so that it cannot flood the log.
        logger.LogWarning("Refused a request with {Header} '{Value}' (DNS-rebinding protection); see MCVSPHERE_ALLOWED_HOSTS and MCVSPHERE_ALLOWED_ORIGINS", header, value.Length > 200 ? value[..200] : value);
        context.Response.StatusCode = status;
        return context.Response.WriteAsync($"{header} header not allowed.");
    }
}
