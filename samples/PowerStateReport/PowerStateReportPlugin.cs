using McVSphere.Sdk.Plugins;

namespace Contoso.McVSphere.PowerStateReport;

/// <summary>A third-party plugin: one read-only report, built against the McVSphere Sdk alone.</summary>
public sealed class PowerStateReportPlugin : IMcVSpherePlugin
{
    public PluginManifest Manifest { get; } = new("PowerStateReport", "Contoso power-state report", "1.0.0", SdkAbi.Version);

    public void Register(IPluginRegistrar registrar)
    {
    }
}
