using System.ComponentModel;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Vim;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.Inventory;

[McpServerToolType]
public sealed class HostTools(IVSphereSession session)
{
    [McpServerTool(Name = "list_hosts", UseStructuredContent = true), Description(
        "Lists ESXi hosts in one bulk read, with optional filters and a limit. " + ListFilters.ListingFields +
        " Items are sorted by name; each: name, connection_state (connected|disconnected|notResponding), power_state (poweredOn|poweredOff|standBy|unknown), " +
        "in_maintenance_mode, cluster (absent for standalone hosts), model, vendor, cpu_model, cpu_cores, cpu_threads, cpu_mhz (per core), " +
        "memory_gb, version (ESXi product and build), vm_count, overall_status (green|yellow|red|gray).")]
    [ListsEveryVCenter]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<Listing<HostSummary>> ListHosts(
        [Description(ListFilters.NamePatternDescription)] string? name_pattern = null,
        [Description("Only the hosts of this cluster (name or inventory path).")] string? cluster_name = null,
        [Description(ListFilters.LimitDescription)] int? limit = null,
        CancellationToken cancellationToken = default)
    {
        var matchesName = ListFilters.NameMatcher(name_pattern);
        ListFilters.CheckLimit(limit);

        var snapshot = await HostSummaries.ReadAsync(session.Client, cancellationToken);
        var cluster = ListFilters.Resolve(snapshot, VSphereObjectKind.Cluster, cluster_name, "cluster_name");
        var matching = snapshot.OfType("HostSystem")
            .Where(host => matchesName(host.GetString("name") ?? "") && (cluster is null || snapshot.ParentOf(host.Ref) == cluster))
            .Select(host => HostSummaries.Describe(host, snapshot))
            .SortedByName(host => host.Name);
        return ListFilters.Take(matching, limit);
    }
}

/// <summary>The host listing shared by list_hosts and the esxi://hosts resource.</summary>
internal static class HostSummaries
{
    private static readonly string[] PropertyPaths =
    [
        "summary.runtime.connectionState", "summary.runtime.powerState", "summary.runtime.inMaintenanceMode", "summary.hardware.model",
        "summary.hardware.vendor", "summary.hardware.cpuModel", "summary.hardware.numCpuCores", "summary.hardware.numCpuThreads",
        "summary.hardware.cpuMhz", "summary.hardware.memorySize", "summary.config.product.fullName", "vm", "overallStatus",
    ];

    public static Task<InventorySnapshot> ReadAsync(VSphereClient client, CancellationToken cancellationToken) =>
        InventorySnapshot.ReadAsync(client, [new PropertySpec { Type = "HostSystem", PathSet = PropertyPaths }], cancellationToken);

    /// <summary>Every host, sorted by name.</summary>
    public static async Task<IReadOnlyList<HostSummary>> ListAsync(VSphereClient client, CancellationToken cancellationToken)
    {
        var snapshot = await ReadAsync(client, cancellationToken);
        return snapshot.OfType("HostSystem").Select(host => Describe(host, snapshot)).SortedByName(host => host.Name);
    }

    public static HostSummary Describe(ObjectContent host, InventorySnapshot snapshot)
    {
        var computeResource = snapshot.ParentOf(host.Ref);
        return new HostSummary(
            host.GetString("name") ?? host.Ref.Value,
            host.GetString("summary.runtime.connectionState"),
            host.GetString("summary.runtime.powerState"),
            host.GetBoolean("summary.runtime.inMaintenanceMode") ?? false,
            computeResource?.Type == "ClusterComputeResource" ? snapshot.NameOf(computeResource) : null,
            host.GetString("summary.hardware.model"),
            host.GetString("summary.hardware.vendor"),
            host.GetString("summary.hardware.cpuModel"),
            host.GetInt32("summary.hardware.numCpuCores"),
            host.GetInt32("summary.hardware.numCpuThreads"),
            host.GetInt32("summary.hardware.cpuMhz"),
            Units.Gigabytes(host.GetInt64("summary.hardware.memorySize")),
            host.GetString("summary.config.product.fullName"),
            host.GetReferences("vm").Count,
            host.GetString("overallStatus"));
    }
}

/// <summary>One host of list_hosts and esxi://hosts.</summary>
public sealed record HostSummary(
    string Name,
    string? ConnectionState,
    string? PowerState,
    bool InMaintenanceMode,
    string? Cluster,
    string? Model,
    string? Vendor,
    string? CpuModel,
    int? CpuCores,
    int? CpuThreads,
    int? CpuMhz,
    double? MemoryGb,
    string? Version,
    int VmCount,
    string? OverallStatus);
