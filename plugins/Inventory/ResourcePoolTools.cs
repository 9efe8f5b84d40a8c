using System.ComponentModel;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Vim;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.Inventory;

[McpServerToolType]
public sealed class ResourcePoolTools(IVSphereSession session)
{
    private const int MaxVmNames = 50;

    [McpServerTool(Name = "list_resource_pools", UseStructuredContent = true), Description(
        "Lists resource pools (and vApps) in one bulk read, with optional filters and a limit. " + ListFilters.ListingFields +
        " Items are sorted by path; each: " + ResourcePoolSummaries.Fields + " Pool names repeat (every cluster has a root pool named 'Resources'): use path to tell them apart.")]
    [ListsEveryVCenter]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<Listing<ResourcePoolSummary>> ListResourcePools(
        [Description("Only the pools of this cluster (name or inventory path).")] string? cluster_name = null,
        [Description(ListFilters.NamePatternDescription)] string? name_pattern = null,
        [Description(ListFilters.LimitDescription)] int? limit = null,
        CancellationToken cancellationToken = default)
    {
        var matchesName = ListFilters.NameMatcher(name_pattern);
        ListFilters.CheckLimit(limit);
        var snapshot = await ResourcePoolSummaries.ReadAsync(session.Client, [], cancellationToken);
        var cluster = ListFilters.Resolve(snapshot, VSphereObjectKind.Cluster, cluster_name, "cluster_name");
        var matching = ResourcePoolSummaries.Pools(snapshot)
            .Where(pool => matchesName(pool.GetString("name") ?? "") && (cluster is null || pool.GetReference("owner") == cluster))
            .Select(pool => ResourcePoolSummaries.Describe(pool, snapshot))
            .OrderBy(pool => pool.Path, StringComparer.OrdinalIgnoreCase)
            .ToArray();
        return ListFilters.Take(matching, limit);
    }

    [McpServerTool(Name = "get_resource_pool_info", UseStructuredContent = true), Description(
        "Settings and usage of one resource pool: " + ResourcePoolSummaries.Fields +
        " Plus cpu_usage_mhz, memory_usage_mb (current use), vms (names, sorted; at most 50) and child_pools (names). Without a name: " +
        "the root pool of the configured default cluster (VCENTER_CLUSTER), or of the only cluster.")]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<ResourcePoolInfo> GetResourcePoolInfo(
        [Description("The pool's name or inventory path (e.g. 'DC0/host/DC0_C0/Resources/Lab'); default: the default cluster's root pool.")]
        string? name = null,
        CancellationToken cancellationToken = default)
    {
        var client = session.Client;
        var snapshot = await ResourcePoolSummaries.ReadAsync(client, ["runtime"], cancellationToken);
        var pool = snapshot.Get(name is null ? DefaultPool(snapshot) : snapshot.Find(VSphereObjectKind.ResourcePool, name).Ref)!;
        var vms = pool.GetReferences("vm");
        var vmNames = await client.Properties.ReadNamesAsync(vms, cancellationToken);
        return ResourcePoolInfo.From(
            ResourcePoolSummaries.Describe(pool, snapshot),
            pool.GetInt64("runtime.cpu.overallUsage"),
            pool.GetInt64("runtime.memory.overallUsage") is { } bytes ? bytes / (1024 * 1024) : null,
            vms.Select(vm => vmNames.GetValueOrDefault(vm, vm.Value)).Order(StringComparer.Ordinal).Take(MaxVmNames).ToArray(),
            pool.GetReferences("resourcePool").Select(child => snapshot.NameOf(child) ?? child.Value).Order(StringComparer.Ordinal).ToArray());
    }

    /// <summary>The root pool of the configured cluster, else of the only cluster, else of the only compute resource.</summary>
    private ManagedObjectReference DefaultPool(InventorySnapshot snapshot)
    {
        var roots = ResourcePoolSummaries.Pools(snapshot).Where(pool => pool.GetReference("parent")?.Type is "ComputeResource" or "ClusterComputeResource").ToArray();
        if (session.Defaults.Cluster is { } configured)
        {
            var cluster = snapshot.Find(VSphereObjectKind.Cluster, configured).Ref;
            return roots.First(pool => pool.GetReference("owner") == cluster).Ref;
        }
        var clustered = roots.Where(pool => pool.GetReference("owner")?.Type == "ClusterComputeResource").ToArray();
        var candidates = clustered.Length > 0 ? clustered : roots;
        return candidates.Length == 1
            ? candidates[0].Ref
            : throw ToolException.InvalidArgument("name",
                $"name is needed: there are {candidates.Length} root pools and no default cluster (VCENTER_CLUSTER) is configured.",
                candidates.Select(pool => snapshot.PathOf(pool.Ref)).Order(StringComparer.Ordinal).ToArray());
    }
}

/// <summary>The pool listing shared by the pool tools and the esxi://resource-pools resource.</summary>
internal static class ResourcePoolSummaries
{
    public const string Fields =
        "name, path, owner (the cluster or standalone host), parent (parent pool; absent for a root pool), vapp (true for a vApp), " +
        "cpu_reservation_mhz, cpu_limit_mhz (-1 = unlimited), cpu_expandable, cpu_shares (low|normal|high|custom), memory_reservation_mb, " +
        "memory_limit_mb (-1 = unlimited), memory_expandable, memory_shares, vm_count, child_pool_count.";

    private static readonly string[] PropertyPaths = ["config.cpuAllocation", "config.memoryAllocation", "owner", "vm", "resourcePool"];

    public static Task<InventorySnapshot> ReadAsync(VSphereClient client, IEnumerable<string> extraPaths, CancellationToken cancellationToken) =>
        InventorySnapshot.ReadAsync(client, [new PropertySpec { Type = "ResourcePool", PathSet = [.. PropertyPaths, .. extraPaths] }], cancellationToken);

    /// <summary>Every pool, sorted by path, in one read.</summary>
    public static async Task<IReadOnlyList<ResourcePoolSummary>> ListAsync(VSphereClient client, CancellationToken cancellationToken)
    {
        var snapshot = await ReadAsync(client, [], cancellationToken);
        return Pools(snapshot).Select(pool => Describe(pool, snapshot)).OrderBy(pool => pool.Path, StringComparer.OrdinalIgnoreCase).ToArray();
    }

    public static IEnumerable<ObjectContent> Pools(InventorySnapshot snapshot) =>
        snapshot.OfType("ResourcePool").Concat(snapshot.OfType("VirtualApp"));

    public static ResourcePoolSummary Describe(ObjectContent pool, InventorySnapshot snapshot)
    {
        var parent = pool.GetReference("parent");
        return new ResourcePoolSummary(
            pool.GetString("name") ?? pool.Ref.Value,
            snapshot.PathOf(pool.Ref),
            snapshot.NameOf(pool.GetReference("owner")),
            parent?.Type is "ResourcePool" or "VirtualApp" ? snapshot.NameOf(parent) : null,
            pool.Ref.Type == "VirtualApp",
            pool.GetInt64("config.cpuAllocation.reservation"),
            pool.GetInt64("config.cpuAllocation.limit"),
            pool.GetBoolean("config.cpuAllocation.expandableReservation"),
            pool.GetString("config.cpuAllocation.shares.level"),
            pool.GetInt64("config.memoryAllocation.reservation"),
            pool.GetInt64("config.memoryAllocation.limit"),
            pool.GetBoolean("config.memoryAllocation.expandableReservation"),
            pool.GetString("config.memoryAllocation.shares.level"),
            pool.GetReferences("vm").Count,
            pool.GetReferences("resourcePool").Count);
    }
}

/// <summary>One pool of list_resource_pools and esxi://resource-pools.</summary>
public sealed record ResourcePoolSummary(
    string Name,
    string Path,
    string? Owner,
    string? Parent,
    bool Vapp,
    long? CpuReservationMhz,
    long? CpuLimitMhz,
    bool? CpuExpandable,
    string? CpuShares,
    long? MemoryReservationMb,
    long? MemoryLimitMb,
    bool? MemoryExpandable,
    string? MemoryShares,
    int VmCount,
    int ChildPoolCount);

/// <summary>The result of get_resource_pool_info: the fields of <see cref="ResourcePoolSummary"/>, then usage and members.</summary>
public sealed record ResourcePoolInfo(
    string Name,
    string Path,
    string? Owner,
    string? Parent,
    bool Vapp,
    long? CpuReservationMhz,
    long? CpuLimitMhz,
    bool? CpuExpandable,
    string? CpuShares,
    long? MemoryReservationMb,
    long? MemoryLimitMb,
    bool? MemoryExpandable,
    string? MemoryShares,
    int VmCount,
    int ChildPoolCount,
    long? CpuUsageMhz,
    long? MemoryUsageMb,
    IReadOnlyList<string> Vms,
    IReadOnlyList<string> ChildPools)
{
    internal static ResourcePoolInfo From(ResourcePoolSummary summary, long? cpuUsageMhz, long? memoryUsageMb, IReadOnlyList<string> vms,
        IReadOnlyList<string> childPools) => new(
        summary.Name, summary.Path, summary.Owner, summary.Parent, summary.Vapp, summary.CpuReservationMhz, summary.CpuLimitMhz,
        summary.CpuExpandable, summary.CpuShares, summary.MemoryReservationMb, summary.MemoryLimitMb, summary.MemoryExpandable,
        summary.MemoryShares, summary.VmCount, summary.ChildPoolCount, cpuUsageMhz, memoryUsageMb, vms, childPools);
}
