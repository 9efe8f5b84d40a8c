using McVSphere.Host.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McVSphere.Host.Hosting;

/// <summary>
/// The loopback-only rule (HTTP without OAuth only on loopback, unless MCP_ALLOW_UNAUTHENTICATED) applied to the
/// addresses Kestrel actually listens on. MCP_HOST is checked with the settings, but Kestrel also binds the endpoints
/// of ASP.NET Core's own configuration (Kestrel__Endpoints__*), whatever MCP_HOST says, so the bound addresses are
/// checked once the server has started, and no request is served until they pass.
/// </summary>
internal sealed class ListenAddressCheck
{
    private readonly TaskCompletionSource<bool> _passed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Holds every request until the check has run; refuses them all if it failed.</summary>
    public void HoldRequests(WebApplication app) => app.Use(async (context, next) =>
    {
        if (await _passed.Task)
        {
            await next(context);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        }
    });

    /// <summary>Checks the addresses the started server listens on; throws naming the settings that bound a non-loopback one.</summary>
    /// <exception cref="HostConfigurationException">The server listens beyond loopback without authentication.</exception>
    public void Verify(WebApplication app, McVSphereOptions options)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var exposed = options.Security.RequiresLoopback
            ? addresses.Where(address => !McVSphereOptionsReader.IsLoopback(HostOf(address))).ToList()
            : [];
        _passed.SetResult(exposed.Count == 0);
        if (exposed.Count > 0)
        {
            throw new HostConfigurationException([
                $"the server listens on {string.Join(", ", exposed)}, which is not loopback, and {HostSettings.OAuthEnabled.Name} is not true, so anyone who " +
                $"reaches the port could manage vSphere. The address comes from ASP.NET Core's own configuration ({BindingSettings(app.Configuration)}), " +
                $"not from {HostSettings.HttpHost.Name}: remove it and use {HostSettings.HttpHost.Name}/{HostSettings.HttpPort.Name}, set {HostSettings.OAuthEnabled.Name}=true, " +
                $"or set {HostSettings.AllowUnauthenticated.Name}=true to serve unauthenticated callers on purpose."]);
        }
    }

    // Kestrel reports e.g. http://0.0.0.0:8080, http://[::]:8080, http://localhost:8080 or http://127.0.0.1:8080.
    private static string HostOf(string address) =>
        Uri.TryCreate(address.Replace("://+", "://0.0.0.0").Replace("://*", "://0.0.0.0"), UriKind.Absolute, out var url) ? url.Host : address;

    // The Kestrel endpoints of ASP.NET Core's configuration (environment or appsettings.json), for the message. They are
    // what binds beside MCP_HOST: ASPNETCORE_URLS and ASPNETCORE_HTTP_PORTS give way to MCP_HOST/MCP_PORT.
    private static string BindingSettings(IConfiguration configuration)
    {
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(endpoint => $"Kestrel__Endpoints__{endpoint.Key}__Url").ToList();
        return endpoints.Count > 0 ? string.Join(", ", endpoints) : "Kestrel__Endpoints__*";
    }
}
