using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McVSphere.Sdk.Plugins;

/// <summary>What the host lends a plugin while it registers.</summary>
public interface IPluginRegistrar
{
    /// <summary>The host's service collection: add the services your tools take as constructor or method parameters.</summary>
    IServiceCollection Services { get; }

    /// <summary>The host's configuration (environment variables, appsettings.json, .env, --config file).</summary>
    IConfiguration Configuration { get; }
}
