using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.HostAdmin;

/// <summary>A host's state as maintenance and power operations check it before and read it back after (one read).</summary>
/// <param name="InMaintenanceMode">Whether it is in maintenance mode.</param>
/// <param name="PowerState">poweredOn, poweredOff, standBy or unknown.</param>
/// <param name="ConnectionState">connected, disconnected or notResponding (a rebooting host stops responding for a while).</param>
/// <param name="BootTime">When it last booted.</param>
/// <param name="VmCount">The VMs registered on it.</param>
public sealed record HostRuntime(bool InMaintenanceMode, string? PowerState, string? ConnectionState, DateTimeOffset? BootTime, int VmCount)
{
    private static readonly IReadOnlyList<string> PropertyPaths =
        ["runtime.inMaintenanceMode", "runtime.powerState", "runtime.connectionState", "runtime.bootTime", "vm"];

    internal static async Task<HostRuntime> ReadAsync(VSphereClient client, InventoryObject host, CancellationToken cancellationToken)
    {
        var content = await client.Properties.RetrieveAsync(host.Ref, PropertyPaths, cancellationToken).ConfigureAwait(false);
        return new HostRuntime(
            content.GetBoolean("runtime.inMaintenanceMode") ?? false,
            content.GetString("runtime.powerState"),
            content.GetString("runtime.connectionState"),
            content.GetDateTime("runtime.bootTime"),
            content.GetReferences("vm").Count);
    }
}
