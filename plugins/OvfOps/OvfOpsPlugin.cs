using McVSphere.Sdk.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace McVSphere.Plugins.OvfOps;

/// <summary>
/// OVF/OVA deployment and export with real disk transfers over NFC leases, OVF network listing, and datastore files
/// (upload, download, delete, folders, move, copy), streamed with progress. Files on the server's own disk are
/// confined to MCVSPHERE_FILE_ROOT; packages are downloaded only from the URLs MCVSPHERE_URL_ALLOW and
/// MCVSPHERE_URL_ALLOW_NETWORKS allow.
/// </summary>
public sealed class OvfOpsPlugin : IMcVSpherePlugin
{
    public PluginManifest Manifest { get; } = new("OvfOps", "OVF/OVA and datastore files", "1.0.0", SdkAbi.Version);

    // The file root and the URL sources are read once, at start-up: a root that is not a directory, or an allowed host
    // or network that is none, stops the plugin with the reason.
    public void Register(IPluginRegistrar registrar)
    {
        registrar.Services.AddSingleton(new LocalFileRoot(FileRootOptions.From(registrar.Configuration)));
        registrar.Services.AddSingleton(new WebDownloads(UrlSourceOptions.From(registrar.Configuration)));
    }
}
