using McVSphere.Host.Mcp;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Server;

namespace McVSphere.Host.Plugins;

/// <summary>Registers what the accepted plugins contribute.</summary>
public static class PluginServiceCollectionExtensions
{
    /// <summary>
    /// Adds each plugin's own services, its tool and resource classes (found with Scrutor, transient: one instance
    /// per call), the MCP SDK tools and resources built from them, and the <see cref="ToolCatalog"/>. With
    /// <paramref name="severalTargets"/>, each resource is served on each target too (<see cref="TargetResource"/>).
    /// </summary>
    public static IServiceCollection AddMcVSpherePlugins(this IServiceCollection services, PluginLoadResult plugins, bool severalTargets = false)
    {
        services.AddSingleton(new ToolCatalog(plugins));
        services.AddSingleton(provider => new ServedTools(plugins.Plugins.SelectMany(plugin => plugin.Tools), provider));
        foreach (var plugin in plugins.Plugins)
        {
            foreach (var descriptor in plugin.Services)
            {
                services.Add(descriptor);
            }
            services.Scan(scan => scan
                .FromAssemblies(plugin.Assembly)
                .AddClasses(classes => classes.WithAttribute<McpServerToolTypeAttribute>(), publicOnly: false)
                .AsSelf()
                .WithTransientLifetime()
                .AddClasses(classes => classes.WithAttribute<McpServerResourceTypeAttribute>(), publicOnly: false)
                .AsSelf()
                .WithTransientLifetime());
            foreach (var tool in plugin.Tools)
            {
                services.AddSingleton(provider => provider.GetRequiredService<ServedTools>()[tool]);
            }
            foreach (var resource in plugin.Resources)
            {
                services.AddSingleton(provider => McpToolFactory.CreateResource(resource, provider));
                if (severalTargets)
                {
                    services.AddSingleton<McpServerResource>(provider =>
                        new TargetResource(McpToolFactory.CreateResource(resource, provider), provider.GetRequiredService<Hosting.VCenterTargets>()));
                }
            }
        }
        return services;
    }
}
