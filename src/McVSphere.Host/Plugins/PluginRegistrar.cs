using McVSphere.Sdk.Plugins;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McVSphere.Host.Plugins;

/// <summary>The registrar lent to one plugin: a service collection of its own, merged into the host's only once the plugin is accepted.</summary>
internal sealed class PluginRegistrar(IConfiguration configuration) : IPluginRegistrar
{
    public IServiceCollection Services { get; } = new ServiceCollection();

    public IConfiguration Configuration { get; } = configuration;
}
