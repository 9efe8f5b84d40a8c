using System.ComponentModel;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.OvfOps;

[McpServerToolType]
public sealed class OvfNetworkTools(IVSphereSession session, LocalFileRoot files, WebDownloads web)
{
    [McpServerTool(Name = "list_ovf_networks", ReadOnly = true, Idempotent = true, UseStructuredContent = true), Description(
        "Lists the networks an OVF or OVA package expects (its NetworkSection), read from the descriptor itself, with the adapters " +
        "connected to each: the names to map with deploy_ovf's network or network_map. The package is ovf_path — '[datastore] " +
        "folder/x.ovf', a path on datastore when that is given, 'file:folder/x.ovf' under the server's file root (MCVSPHERE_FILE_ROOT), " +
        "or an http(s) URL (needs VM_LIFECYCLE, and a host the server allows in MCVSPHERE_URL_ALLOW) — or the " +
        "descriptor's XML itself as ovf_content. For an .ova only the descriptor (its first file) is read. Returns source, " +
        "virtual_system, count, networks [{name, description, adapters}].")]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<OvfNetworkList> ListOvfNetworks(
        [Description("The .ovf or .ova: " + PackageLocation.Forms + ".")]
        [UrlSource(PermissionLevel.VmLifecycle)] string? ovf_path = null,
        [Description("The datastore holding ovf_path, when ovf_path is a plain path on it.")] string? datastore = null,
        [Description("The OVF descriptor's XML itself, instead of ovf_path.")] string? ovf_content = null,
        CancellationToken cancellationToken = default)
    {
        OvfDescriptor descriptor;
        string source;
        if (!string.IsNullOrWhiteSpace(ovf_content))
        {
            if (!string.IsNullOrWhiteSpace(ovf_path))
            {
                throw ToolException.InvalidArgument(nameof(ovf_content), "Give either ovf_path or ovf_content, not both.");
            }
            source = "ovf_content";
            descriptor = OvfDescriptor.Parse(ovf_content, nameof(ovf_content), "ovf_content");
        }
        else
        {
            var location = await PackageLocation.ParseAsync(ovf_path ?? "", datastore, nameof(ovf_path), session.Client, files, web, cancellationToken);
            await using var package = await OvfPackage.OpenAsync(location, cancellationToken);
            source = location.Display;
            descriptor = package.Descriptor;
        }
        var networks = descriptor.Networks.Select(network => new OvfNetworkInfo(network.Name, network.Description, network.Adapters)).ToArray();
        return new OvfNetworkList(source, descriptor.VirtualSystemName, networks.Length, networks);
    }
}

/// <summary>A network an OVF expects.</summary>
public sealed record OvfNetworkInfo(string Name, string? Description, IReadOnlyList<string> Adapters);

/// <summary>The result of list_ovf_networks.</summary>
public sealed record OvfNetworkList(string Source, string? VirtualSystem, int Count, IReadOnlyList<OvfNetworkInfo> Networks);
