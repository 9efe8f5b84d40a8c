using McVSphere.Host.Configuration;
using McVSphere.Host.Mcp;
using McVSphere.Host.Plugins;
using McVSphere.Host.Security;
using McVSphere.Host.Security.OAuthProxy;
using McVSphere.Host.Simulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.AspNetCore;

namespace McVSphere.Host.Hosting;

/// <summary>Runs the MCP server on the configured transport until the process is asked to stop.</summary>
public static class McVSphereServer
{
    /// <summary>How long the server takes at most to stop once asked (SIGTERM).</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(20);

    public static async Task RunAsync(McVSphereOptions options, PluginLoadResult plugins, ILoggerFactory bootstrapLogging)
    {
        await using var simulator = options.UseSimulator
            ? await EmbeddedSimulator.StartAsync(options.SimulatorPath!, options.SimulatorArguments, bootstrapLogging.CreateLogger<EmbeddedSimulator>(), CancellationToken.None)
            : null;
        var targets = options.Targets ?? options.SingleTarget(simulator?.VCenter ?? options.VCenter!);

        if (options.Transport == McpTransportKind.Stdio)
        {
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            AddSharedServices(builder.Services, builder.Logging, options, targets, simulator is not null);
            IHost? host = null;
            var drain = new StdioDrain(options.StdioDrainTimeout,
                () => host?.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication(),
                bootstrapLogging.CreateLogger<StdioDrain>());
            builder.Services.AddMcVSphereMcpServer(plugins, options.CompactTools, targets.FromFile)
                .WithStreamServerTransport(drain.Input(Console.OpenStandardInput()), drain.Output(Console.OpenStandardOutput()));
            host = builder.Build();
            await host.RunAsync();
            return;
        }

        var web = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        web.WebHost.UseUrls(HttpListenUrl(options));
        AddSharedServices(web.Services, web.Logging, options, targets, simulator is not null);
        if (options.Security.OAuth is { } oauth)
        {
            web.Services.AddMcVSphereOAuth(oauth);
        }
        web.Services.AddSingleton<ReadinessProbe>();
        web.Services.AddMcVSphereMcpServer(plugins, options.CompactTools, targets.FromFile).WithHttpTransport(http =>
        {
            // With sessions on, 2025-era clients (initialize) get their session and 2026-07-28 clients, which have none,
            // are served per request on the same endpoint.
            http.SessionMode = options.HttpStateless ? HttpServerSessionMode.Stateless : HttpServerSessionMode.StatefulForInitializeClients;
            if (!options.HttpStateless)
            {
                // The SDK's one hook on a session's end; experimental in 2.4.0, and SessionLimitTests pin its behaviour.
#pragma warning disable MCPEXP002
                http.RunSessionHandler = (context, server, cancellationToken) =>
                    context.RequestServices.GetRequiredService<SessionLimiter>().RunSessionAsync(context, server, cancellationToken);
#pragma warning restore MCPEXP002
            }
        });
        // Disposed at the end: that disposes the vSphere client, which logs out of vCenter.
        await using var app = web.Build();
        var listenAddresses = new ListenAddressCheck();
        listenAddresses.HoldRequests(app);
        app.UseMcVSphereHttpSecurity(options.Security);
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/mcp") && HttpMethods.IsPost(context.Request.Method),
            branch =>
            {
                branch.UseMiddleware<MalformedMcpRequestMiddleware>();
                if (!options.HttpStateless)
                {
                    var sessions = app.Services.GetRequiredService<SessionLimiter>();
                    branch.Use(sessions.AdmitAsync);
                }
            });
        var mcp = app.MapMcp("/mcp");
        if (options.Security.OAuth is { } oauthSettings)
        {
            mcp.RequireAuthorization();
            if (oauthSettings.Proxy is { } proxy)
            {
                OAuthProxyEndpoints.Map(app, proxy);
            }
        }
        app.MapMcVSphereHealth();
        await app.StartAsync();
        try
        {
            listenAddresses.Verify(app, options);
        }
        catch (HostConfigurationException)
        {
            await app.StopAsync();
            throw;
        }
        await app.WaitForShutdownAsync();
    }

    private static void AddSharedServices(IServiceCollection services, ILoggingBuilder logging, McVSphereOptions options, VCenterTargetList targets, bool isSimulator)
    {
        logging.AddMcVSphereLogging(options.LogLevel);
        // Calls in flight are cancelled at once when stopping (ShutdownCancellationFilter); this bounds the rest
        // (CancelTask, learning a task's outcome, logging out) below a container's 30 s stop grace period.
        services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout);
        services.AddSingleton(options);
        services.AddVSphereSession(targets, isSimulator, options.PageSize, options.InventoryIndex, options.TimeLimits);
        services.AddMcVSphereAccessControl(options);
    }

    private static string HttpListenUrl(McVSphereOptions options)
    {
        var host = options.HttpHost.Contains(':') && !options.HttpHost.StartsWith('[') ? $"[{options.HttpHost}]" : options.HttpHost;
        return $"http://{host}:{options.HttpPort}";
    }
}
