using System.ComponentModel;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.Inventory;

[McpServerToolType]
public sealed class VCenterTools(IVSphereSession session)
{
    [McpServerTool(Name = "get_vcenter_info", UseStructuredContent = true), Description("What vCenter (or ESXi) this server is connected to: product, version, build, API version, and whether it is the embedded simulator.")]
    [ListsEveryVCenter]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<VCenterInfo> GetVCenterInfo(CancellationToken cancellationToken)
    {
        var content = await session.Client.ConnectAsync(cancellationToken);
        var about = content.About;
        return new VCenterInfo(
            about.Name, about.FullName, about.Vendor, about.Version, about.Build, about.ApiType, about.ApiVersion,
            about.InstanceUuid, about.OsType, session.Client.ServerUri.ToString(), session.Client.CurrentSession?.UserName,
            session.IsSimulator);
    }
}

/// <summary>The result of get_vcenter_info.</summary>
public sealed record VCenterInfo(
    string Name, string FullName, string Vendor, string Version, string Build, string ApiType, string ApiVersion,
    string? InstanceUuid, string? OsType, string Server, string? User, bool Simulator);
