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
public sealed class ClusterTools(IVSphereSession session)
{
    [McpServerTool(Name = "list_clusters", UseStructuredContent = true), Description(
        "Lists clusters in one bulk read. " + ListFilters.ListingFields +
        " Items are sorted by name; each: " + ClusterSummaries.Fields + " An empty list means no clusters (standalone hosts only).")]
    [ListsEveryVCenter]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<Listing<ClusterSummary>> ListClusters(
        [Description(ListFilters.NamePatternDescription)] string? name_pattern = null,
        [Description(ListFilters.LimitDescription)] int? limit = null,
        CancellationToken cancellationToken = default)
    {
        var matchesName = ListFilters.NameMatcher(name_pattern);
        ListFilters.CheckLimit(limit);
        var clusters = await ClusterSummaries.ListAsync(session.Client, cancellationToken);
        return ListFilters.Take(clusters.Where(cluster => matchesName(cluster.Name)).ToArray(), limit);
    }

    [McpServerTool(Name = "get_cluster_info", UseStructuredContent = true), Description(
        "Details of one cluster in two bulk reads: " + ClusterSummaries.Fields +
        " Plus datacenter, hosts [{name, connection_state, in_maintenance_mode, vm_count}], vm_count (VMs on its hosts), " +
        "resource_pool (path of its root pool), datastores and networks (names).")]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<ClusterInfo> GetClusterInfo(
        [Description("The cluster's name (or inventory path).")] string cluster_name,
        CancellationToken cancellationToken = default)
    {
        var client = session.Client;
        var snapshot = await InventorySnapshot.ReadAsync(client,
            [
                new PropertySpec { Type = "HostSystem", PathSet = ["runtime.connectionState", "runtime.inMaintenanceMode", "vm"] },
                new PropertySpec { Type = "Datastore", PathSet = [] },
                new PropertySpec { Type = "Network", PathSet = [] },
            ], cancellationToken);
        var cluster = snapshot.Find(VSphereObjectKind.Cluster, cluster_name);
        var details = await client.Properties.RetrieveAsync(cluster.Ref, ["name", .. ClusterSummaries.PropertyPaths, "host", "resourcePool", "datastore", "network"],
            cancellationToken);
        var hosts = details.GetReferences("host").Select(snapshot.Get).OfType<ObjectContent>()
            .Select(host => new ClusterHost(
                host.GetString("name") ?? host.Ref.Value,
                host.GetString("runtime.connectionState"),
                host.GetBoolean("runtime.inMaintenanceMode") ?? false,
                host.GetReferences("vm").Count))
            .SortedByName(host => host.Name);
        return ClusterInfo.From(
            ClusterSummaries.Describe(details, cluster.Path),
            snapshot.NameOf(snapshot.AncestorOf(cluster.Ref, "Datacenter")),
            hosts,
            details.GetReference("resourcePool") is { } pool ? snapshot.PathOf(pool) : null,
            details.GetReferences("datastore").Select(reference => snapshot.NameOf(reference) ?? reference.Value).Order(StringComparer.Ordinal).ToArray(),
            details.GetReferences("network").Select(reference => snapshot.NameOf(reference) ?? reference.Value).Order(StringComparer.Ordinal).ToArray());
    }

    [McpServerTool(Name = "get_drs_recommendations", UseStructuredContent = true), Description(
        "DRS recommendations of a cluster (ClusterComputeResource.recommendation): cluster, drs_enabled, count, and recommendations " +
        "[{key, type, rating (1-5, 5 = most important), reason, reason_text, time, target, actions [{type, target, from_host, to_host}]}]. " +
        "Empty when DRS has nothing to recommend or is disabled (drs_enabled false).")]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<DrsRecommendations> GetDrsRecommendations(
        [Description("The cluster's name (or inventory path).")] string cluster_name,
        CancellationToken cancellationToken = default)
    {
        var client = session.Client;
        var cluster = await client.Lookup.FindAsync(VSphereObjectKind.Cluster, cluster_name, cancellationToken);
        var details = await client.Properties.RetrieveAsync(cluster.Ref, ["configurationEx", "recommendation"], cancellationToken);
        var recommendations = details.GetArray("recommendation").OfType<VimObject>().ToArray();
        var actions = recommendations.SelectMany(recommendation => recommendation.GetArray("action").OfType<VimObject>()).ToArray();
        var names = await client.Properties.ReadNamesAsync(
            recommendations.Select(recommendation => recommendation.GetReference("target"))
                .Concat(actions.SelectMany(action => new[] { action.GetReference("target"), action.GetReference("drsMigration.source"), action.GetReference("drsMigration.destination") })),
            cancellationToken);
        string? NameOf(ManagedObjectReference? reference) => reference is null ? null : names.GetValueOrDefault(reference, reference.Value);

        var shaped = recommendations
            .Select(recommendation => new DrsRecommendation(
                recommendation.GetString("key") ?? "",
                recommendation.GetString("type"),
                recommendation.GetInt32("rating"),
                recommendation.GetString("reason"),
                recommendation.GetString("reasonText"),
                recommendation.GetDateTime("time"),
                NameOf(recommendation.GetReference("target")),
                recommendation.GetArray("action").OfType<VimObject>()
                    .Select(action => new DrsAction(
                        action.TypeName ?? "ClusterAction",
                        NameOf(action.GetReference("target")),
                        NameOf(action.GetReference("drsMigration.source")),
                        NameOf(action.GetReference("drsMigration.destination"))))
                    .ToArray()))
            .ToArray();
        return new DrsRecommendations(cluster.Name, details.GetBoolean("configurationEx.drsConfig.enabled") ?? false, shaped.Length, shaped);
    }
}

/// <summary>The cluster listing shared by list_clusters, get_cluster_info and the esxi://clusters resource.</summary>
internal static class ClusterSummaries
{
    public const string Fields =
        "name, path, overall_status (green|yellow|red|gray), host_count, effective_host_count (hosts usable for VMs), cpu_cores, cpu_threads, " +
        "total_cpu_mhz, total_memory_gb, effective_cpu_mhz, effective_memory_gb (capacity left for VMs), " +
        "drs {enabled, behavior (manual|partiallyAutomated|fullyAutomated), migration_threshold (1-5)}, " +
        "ha {enabled, admission_control, host_monitoring}.";

    public static readonly string[] PropertyPaths = ["summary", "configurationEx", "overallStatus"];

    /// <summary>Every cluster, sorted by name, in one read.</summary>
    public static async Task<IReadOnlyList<ClusterSummary>> ListAsync(VSphereClient client, CancellationToken cancellationToken)
    {
        var snapshot = await InventorySnapshot.ReadAsync(client, [new PropertySpec { Type = "ClusterComputeResource", PathSet = PropertyPaths }],
            cancellationToken);
        return snapshot.OfType("ClusterComputeResource").Select(cluster => Describe(cluster, snapshot.PathOf(cluster.Ref))).SortedByName(cluster => cluster.Name);
    }

    public static ClusterSummary Describe(ObjectContent cluster, string path) => new(
        cluster.GetString("name") ?? cluster.Ref.Value,
        path,
        cluster.GetString("overallStatus"),
        cluster.GetInt32("summary.numHosts") ?? 0,
        cluster.GetInt32("summary.numEffectiveHosts") ?? 0,
        cluster.GetInt32("summary.numCpuCores"),
        cluster.GetInt32("summary.numCpuThreads"),
        cluster.GetInt32("summary.totalCpu"),
        Units.Gigabytes(cluster.GetInt64("summary.totalMemory")),
        cluster.GetInt32("summary.effectiveCpu"),
        Units.Gigabytes(cluster.GetInt64("summary.effectiveMemory") * 1024 * 1024),
        new DrsSettings(
            cluster.GetBoolean("configurationEx.drsConfig.enabled") ?? false,
            cluster.GetString("configurationEx.drsConfig.defaultVmBehavior"),
            cluster.GetInt32("configurationEx.drsConfig.vmotionRate")),
        new HaSettings(
            cluster.GetBoolean("configurationEx.dasConfig.enabled") ?? false,
            cluster.GetBoolean("configurationEx.dasConfig.admissionControlEnabled"),
            cluster.GetString("configurationEx.dasConfig.hostMonitoring")));
}

/// <summary>DRS settings of a cluster.</summary>
public sealed record DrsSettings(bool Enabled, string? Behavior, int? MigrationThreshold);

/// <summary>vSphere HA settings of a cluster.</summary>
public sealed record HaSettings(bool Enabled, bool? AdmissionControl, string? HostMonitoring);

/// <summary>One cluster of list_clusters and esxi://clusters.</summary>
public sealed record ClusterSummary(
    string Name,
    string Path,
    string? OverallStatus,
    int HostCount,
    int EffectiveHostCount,
    int? CpuCores,
    int? CpuThreads,
    int? TotalCpuMhz,
    double? TotalMemoryGb,
    int? EffectiveCpuMhz,
    double? EffectiveMemoryGb,
    DrsSettings Drs,
    HaSettings Ha);

/// <summary>A host of get_cluster_info.</summary>
public sealed record ClusterHost(string Name, string? ConnectionState, bool InMaintenanceMode, int VmCount);

/// <summary>The result of get_cluster_info: the fields of <see cref="ClusterSummary"/>, then its datacenter and members.</summary>
public sealed record ClusterInfo(
    string Name,
    string Path,
    string? Datacenter,
    string? OverallStatus,
    int HostCount,
    int EffectiveHostCount,
    int? CpuCores,
    int? CpuThreads,
    int? TotalCpuMhz,
    double? TotalMemoryGb,
    int? EffectiveCpuMhz,
    double? EffectiveMemoryGb,
    DrsSettings Drs,
    HaSettings Ha,
    IReadOnlyList<ClusterHost> Hosts,
    int VmCount,
    string? ResourcePool,
    IReadOnlyList<string> Datastores,
    IReadOnlyList<string> Networks)
{
    internal static ClusterInfo From(ClusterSummary summary, string? datacenter, IReadOnlyList<ClusterHost> hosts, string? resourcePool,
        IReadOnlyList<string> datastores, IReadOnlyList<string> networks) => new(
        summary.Name, summary.Path, datacenter, summary.OverallStatus, summary.HostCount, summary.EffectiveHostCount, summary.CpuCores,
        summary.CpuThreads, summary.TotalCpuMhz, summary.TotalMemoryGb, summary.EffectiveCpuMhz, summary.EffectiveMemoryGb, summary.Drs,
        summary.Ha, hosts, hosts.Sum(host => host.VmCount), resourcePool, datastores, networks);
}

/// <summary>An action of a DRS recommendation: its type (e.g. ClusterMigrationAction), the object it acts on, and for a migration the hosts.</summary>
public sealed record DrsAction(string Type, string? Target, string? FromHost, string? ToHost);

/// <summary>One DRS recommendation.</summary>
public sealed record DrsRecommendation(
    string Key,
    string? Type,
    int? Rating,
    string? Reason,
    string? ReasonText,
    DateTimeOffset? Time,
    string? Target,
    IReadOnlyList<DrsAction> Actions);

/// <summary>The result of get_drs_recommendations.</summary>
public sealed record DrsRecommendations(string Cluster, bool DrsEnabled, int Count, IReadOnlyList<DrsRecommendation> Recommendations);
