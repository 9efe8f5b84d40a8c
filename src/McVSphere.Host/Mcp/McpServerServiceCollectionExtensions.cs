using McVSphere.Host.Configuration;
using McVSphere.Host.Mcp.Tasks;
using McVSphere.Host.Plugins;
using McVSphere.Host.Security;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;

namespace McVSphere.Host.Mcp;

/// <summary>The MCP server as every transport shares it: plugins, server info and the request filters that hold policy.</summary>
public static class McpServerServiceCollectionExtensions
{
    public const string ServerName = "mcvsphere";

    /// <param name="services">The host's services.</param>
    /// <param name="plugins">The accepted plugins.</param>
    /// <param name="compactTools">Serve one tool per family (<see cref="CompactToolMode"/>).</param>
    /// <param name="severalTargets">Several vCenters are served (MCVSPHERE_TARGETS_FILE): resources are served per target too.</param>
    public static IMcpServerBuilder AddMcVSphereMcpServer(this IServiceCollection services, PluginLoadResult plugins, bool compactTools = false, bool severalTargets = false)
    {
        services.AddMcVSpherePlugins(plugins, severalTargets);
        services.AddSingleton<InventoryNameCache>();
        services.AddSingleton<ResourceSubscriptions>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(provider => new RequestStateSigner(provider.GetService<McVSphereOptions>()?.RequestStateSecret));
        services.AddSingleton<ConfirmationStates>();
        return services
            .AddMcpServer(options =>
            {
                options.ServerInfo = new Implementation { Name = ServerName, Title = "McVSphere", Version = HostVersion.Current };
                options.ServerInstructions =
                    "Manage VMware vSphere: VMs, power, snapshots, disks, NICs, hosts, datastores, networks, tags, events and tasks. " +
                    "Names are vSphere inventory names; unknown names are answered with the closest existing ones.";
            })
            // Shutdown cancellation outermost, so that the audit sees how a call it cancels ended. Compact mode next: it
            // unwraps family calls into real tool calls. Then security: it must see every request, and each tool's
            // final result once errors are turned into results. Compact mode's own answers (list_operations) come
            // after security, so that they are checked and audited like any call.
            .WithRequestFilters(filters =>
            {
                filters.AddCallToolFilter(ShutdownCancellationFilter.Apply);
                if (compactTools)
                {
                    filters.AddCompactToolMode();
                }
                filters.AddSecurityFilters();
                if (compactTools)
                {
                    filters.AddCompactFamilyCalls();
                }
                // Routing to the call's vCenter comes before the filters that sign state (confirmations) or read results.
                filters.AddCallToolFilter(VCenterRouting.Apply);
                filters.AddCallToolFilter(ChangeConfirmationFilter.Apply).AddCallToolFilter(ResourceLinkFilter.Apply).AddCallToolFilter(ToolErrorFilter.Apply);
            })
            .WithVSphereTasks()
            .WithCompleteHandler(CompletionHandler.CompleteAsync)
            .WithSubscribeToResourcesHandler(ResourceSubscriptions.SubscribeAsync)
            .WithUnsubscribeFromResourcesHandler(ResourceSubscriptions.UnsubscribeAsync)
            .WithSubscriptionsListenHandler(ResourceSubscriptions.ListenAsync);
    }
}
