using McVSphere.Sdk.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace McVSphere.Plugins.GuestOps;

/// <summary>
/// Inside the guest, through VMware Tools: commands, processes, files and directories; Tools status; console
/// screenshots.
/// </summary>
public sealed class GuestOpsPlugin : IMcVSpherePlugin
{
    public PluginManifest Manifest { get; } = new("GuestOps", "Guest operations", "1.0.0", SdkAbi.Version);

    // The configured guest credentials are read once, at start-up: a broken file stops the plugin with its reason.
    public void Register(IPluginRegistrar registrar)
    {
        var credentials = GuestCredentials.Load(registrar.Configuration[GuestCredentials.FileSetting]);
        registrar.Services.AddSingleton(credentials);
        registrar.Services.AddTransient<GuestOperations>();
    }
}
