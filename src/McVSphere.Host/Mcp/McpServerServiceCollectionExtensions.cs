using McVSphere.Host.Plugins;
using McVSphere.Host.Security;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;

namespace McVSphere.Host.Mcp;

/// <summary>The MCP server as every transport shares it: plugins, server info and the request filters that hold policy.</summary>
public static class McpServerServiceCollectionExtensions
{
    public const string ServerName = "mcvsphere";

    public static IMcpServerBuilder AddMcVSphereMcpServer(this IServiceCollection services, PluginLoadResult plugins)
    {
        services.AddMcVSpherePlugins(plugins);
        return services
            .AddMcpServer(options =>
            {
                options.ServerInfo = new Implementation { Name = ServerName, Title = "McVSphere", Version = HostVersion.Current };
                options.ServerInstructions =
                    "Manage VMware vSphere: VMs, power, snapshots, disks, NICs, hosts, datastores, networks, tags, events and tasks. " +
                    "Names are vSphere inventory names; unknown names are answered with the closest existing ones.";
            })
            // Security first: it must see every request, and each tool's final result once errors are turned into results.
            .WithRequestFilters(filters => filters.AddSecurityFilters().AddCallToolFilter(ToolErrorFilter.Apply));
    }
}
