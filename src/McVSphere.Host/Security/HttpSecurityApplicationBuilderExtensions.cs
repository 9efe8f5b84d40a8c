using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace McVSphere.Host.Security;

/// <summary>Adds the security middleware to the HTTP pipeline.</summary>
public static class HttpSecurityApplicationBuilderExtensions
{
    /// <summary>
    /// Host/Origin checks, then authentication when OAuth is on. The health endpoints skip the Host check: probes
    /// address the pod by IP, and they serve no MCP.
    /// </summary>
    public static WebApplication UseMcVSphereHttpSecurity(this WebApplication app, SecurityOptions security)
    {
        app.UseWhen(
            context => !context.Request.Path.StartsWithSegments("/healthz") && !context.Request.Path.StartsWithSegments("/readyz"),
            branch => branch.UseMiddleware<DnsRebindingProtectionMiddleware>(security.DnsRebinding));
        if (security.OAuth is not null)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }
        return app;
    }
}
