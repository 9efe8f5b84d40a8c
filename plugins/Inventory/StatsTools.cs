using System.ComponentModel;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.Inventory;

[McpServerToolType]
public sealed class StatsTools(IVSphereSession session)
{
    private const string PerformanceFields =
        "performance: {sample_time, interval_seconds (20: real-time statistics), metrics [{counter (e.g. cpu.usage.average), group " +
        "(cpu|mem|disk|virtualDisk|net), value, unit (percent|megaHertz|kiloBytes|kiloBytesPerSecond|millisecond), description}]}, the latest " +
        "PerformanceManager sample of the CPU, memory, disk and network counters the object has (none for a powered-off VM).";

    /// <summary>The counters reported, in this order, where the object has them (VMs and hosts differ).</summary>
    private static readonly string[] Counters =
    [
        "cpu.usage.average", "cpu.usagemhz.average", "cpu.ready.summation",
        "mem.usage.average", "mem.active.average", "mem.consumed.average", "mem.swapped.average",
        "disk.usage.average", "disk.read.average", "disk.write.average", "virtualDisk.read.average", "virtualDisk.write.average",
        "net.usage.average", "net.received.average", "net.transmitted.average",
    ];

    [McpServerTool(Name = "get_vm_stats", UseStructuredContent = true), Description(
        "Current performance of a VM: name, power_state, from summary.quickStats cpu_usage_mhz, cpu_demand_mhz, memory_usage_mb (guest " +
        "active memory), memory_consumed_mb (host memory backing the VM), memory_ballooned_mb, memory_swapped_mb, uptime_seconds; from " +
        "summary.storage storage_committed_gb, storage_uncommitted_gb; and " + PerformanceFields + " Unset quick stats are omitted.")]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<VmStats> GetVmStats(
        [Description("The VM's name (or inventory path).")] string name,
        CancellationToken cancellationToken = default)
    {
        var client = session.Client;
        var vm = await client.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, name, cancellationToken);
        var detailsTask = client.Properties.RetrieveAsync(vm.Ref, ["runtime.powerState", "summary.quickStats", "summary.storage"], cancellationToken);
        var performanceTask = ReadPerformanceAsync(client, vm.Ref, cancellationToken);
        await Task.WhenAll(detailsTask, performanceTask);
        var details = detailsTask.Result;
        return new VmStats(
            vm.Name,
            details.GetString("runtime.powerState") ?? "unknown",
            details.GetInt32("summary.quickStats.overallCpuUsage"),
            details.GetInt32("summary.quickStats.overallCpuDemand"),
            details.GetInt32("summary.quickStats.guestMemoryUsage"),
            details.GetInt32("summary.quickStats.hostMemoryUsage"),
            details.GetInt32("summary.quickStats.balloonedMemory"),
            details.GetInt32("summary.quickStats.swappedMemory"),
            details.GetInt64("summary.quickStats.uptimeSeconds"),
            Units.Gigabytes(details.GetInt64("summary.storage.committed")),
            Units.Gigabytes(details.GetInt64("summary.storage.uncommitted")),
            performanceTask.Result);
    }

    [McpServerTool(Name = "get_host_stats", UseStructuredContent = true), Description(
        "Current performance of an ESXi host: name, connection_state, power_state, model, vendor, cpu_model, cpu_cores, cpu_threads, " +
        "cpu_mhz (per core), from summary.quickStats cpu_usage_mhz, cpu_usage_percent (of cores x MHz), memory_total_gb, memory_usage_mb, " +
        "memory_usage_percent, uptime_seconds; vm_count; and " + PerformanceFields + " With several hosts, host_name is required.")]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<HostStats> GetHostStats(
        [Description("The host's name (or inventory path); may be left out only when there is a single host.")] string? host_name = null,
        CancellationToken cancellationToken = default)
    {
        var client = session.Client;
        var host = await session.ResolveHostAsync(host_name, cancellationToken);
        var detailsTask = client.Properties.RetrieveAsync(host.Ref, ["summary.runtime", "summary.hardware", "summary.quickStats", "vm"], cancellationToken);
        var performanceTask = ReadPerformanceAsync(client, host.Ref, cancellationToken);
        await Task.WhenAll(detailsTask, performanceTask);
        var details = detailsTask.Result;

        var cores = details.GetInt32("summary.hardware.numCpuCores");
        var mhz = details.GetInt32("summary.hardware.cpuMhz");
        var cpuUsage = details.GetInt32("summary.quickStats.overallCpuUsage");
        var memoryBytes = details.GetInt64("summary.hardware.memorySize");
        var memoryUsage = details.GetInt32("summary.quickStats.overallMemoryUsage");
        return new HostStats(
            host.Name,
            details.GetString("summary.runtime.connectionState"),
            details.GetString("summary.runtime.powerState"),
            details.GetString("summary.hardware.model"),
            details.GetString("summary.hardware.vendor"),
            details.GetString("summary.hardware.cpuModel"),
            cores,
            details.GetInt32("summary.hardware.numCpuThreads"),
            mhz,
            cpuUsage,
            Units.Percent(cpuUsage, cores * mhz),
            Units.Gigabytes(memoryBytes),
            memoryUsage,
            Units.Percent(memoryUsage * 1024.0 * 1024, memoryBytes),
            details.GetInt64("summary.quickStats.uptime"),
            details.GetReferences("vm").Count,
            performanceTask.Result);
    }

    private static async Task<PerformanceSample?> ReadPerformanceAsync(VSphereClient client, ManagedObjectReference entity, CancellationToken cancellationToken)
    {
        var values = await client.QueryLatestPerfAsync(entity, Counters, cancellationToken: cancellationToken);
        return values.Count == 0
            ? null
            : new PerformanceSample(
                values[0].Timestamp,
                values[0].IntervalSeconds,
                values.Select(value => new PerformanceMetric(value.Counter.FullName, value.Counter.Group, Math.Round(value.Value, 2), value.Counter.Unit,
                    value.Counter.Summary)).ToArray());
    }
}

/// <summary>One counter's latest value.</summary>
public sealed record PerformanceMetric(string Counter, string Group, double Value, string Unit, string? Description);

/// <summary>The latest real-time sample of an object's counters.</summary>
public sealed record PerformanceSample(DateTimeOffset SampleTime, int IntervalSeconds, IReadOnlyList<PerformanceMetric> Metrics);

/// <summary>The result of get_vm_stats.</summary>
public sealed record VmStats(
    string Name,
    string PowerState,
    int? CpuUsageMhz,
    int? CpuDemandMhz,
    int? MemoryUsageMb,
    int? MemoryConsumedMb,
    int? MemoryBalloonedMb,
    int? MemorySwappedMb,
    long? UptimeSeconds,
    double? StorageCommittedGb,
    double? StorageUncommittedGb,
    PerformanceSample? Performance);

/// <summary>The result of get_host_stats.</summary>
public sealed record HostStats(
    string Name,
    string? ConnectionState,
    string? PowerState,
    string? Model,
    string? Vendor,
    string? CpuModel,
    int? CpuCores,
    int? CpuThreads,
    int? CpuMhz,
    int? CpuUsageMhz,
    double? CpuUsagePercent,
    double? MemoryTotalGb,
    int? MemoryUsageMb,
    double? MemoryUsagePercent,
    long? UptimeSeconds,
    int VmCount,
    PerformanceSample? Performance);
