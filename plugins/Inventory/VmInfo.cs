using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.Inventory;

/// <summary>A virtual disk of get_vm_info.</summary>
public sealed record VmDiskSummary(string Label, double CapacityGb, bool? ThinProvisioned, string? DiskMode, string? File);

/// <summary>A network adapter of get_vm_info.</summary>
public sealed record VmNicSummary(string Label, string Type, string? MacAddress, string? Network, bool? Connected, bool? StartConnected);

/// <summary>The result of get_vm_info.</summary>
public sealed record VmInfo(
    string Name,
    string Path,
    string PowerState,
    int? Cpu,
    int? CoresPerSocket,
    int? MemoryMb,
    string? GuestOs,
    string? GuestOsRunning,
    string? GuestId,
    string? Uuid,
    string? InstanceUuid,
    string? HardwareVersion,
    string? Annotation,
    bool Template,
    string Folder,
    string? Host,
    string? Cluster,
    string? ResourcePool,
    IReadOnlyList<string> Datastore,
    IReadOnlyList<string> Networks,
    string? IpAddress,
    IReadOnlyList<string> IpAddresses,
    string? Hostname,
    string? ToolsStatus,
    string? ToolsRunningStatus,
    string? ToolsVersion,
    DateTimeOffset? BootTime,
    string? ConnectionState,
    string? OverallStatus,
    string? VmxPath,
    double? StorageCommittedGb,
    double? StorageUncommittedGb,
    int SnapshotCount,
    string? CurrentSnapshot,
    IReadOnlyList<VmDiskSummary> Disks,
    IReadOnlyList<VmNicSummary> Nics)
{
    /// <summary>What get_vm_info reads of the VM, in one read.</summary>
    internal static readonly string[] PropertyPaths =
    [
        "name", "parent", "config.hardware.numCPU", "config.hardware.numCoresPerSocket", "config.hardware.memoryMB", "config.hardware.device",
        "config.guestFullName", "config.guestId", "config.uuid", "config.instanceUuid", "config.version", "config.annotation",
        "config.template", "config.files.vmPathName", "runtime.powerState", "runtime.connectionState", "runtime.host", "runtime.bootTime",
        "summary.runtime.bootTime", "summary.storage.committed", "summary.storage.uncommitted", "guest.guestFullName", "guest.ipAddress",
        "guest.hostName", "guest.toolsStatus", "guest.toolsRunningStatus", "guest.toolsVersion", "guest.net", "datastore", "network",
        "resourcePool", "snapshot", "overallStatus",
    ];

    /// <summary>Shapes the VM's properties; names of the objects it references come from <paramref name="snapshot"/>.</summary>
    internal static VmInfo From(InventoryObject vm, ObjectContent details, IInventoryNames snapshot)
    {
        var host = details.GetReference("runtime.host");
        var computeResource = snapshot.ParentOf(host);
        var devices = VirtualDevice.ListFrom(details["config.hardware.device"]);
        var snapshots = VirtualMachineSnapshotInfo.From(details["snapshot"]);
        var guestNics = details.GetArray("guest.net").OfType<VimObject>().ToArray();
        var ipAddress = details.GetString("guest.ipAddress");
        return new VmInfo(
            details.GetString("name") ?? vm.Name,
            vm.Path,
            details.GetString("runtime.powerState") ?? "unknown",
            details.GetInt32("config.hardware.numCPU"),
            details.GetInt32("config.hardware.numCoresPerSocket"),
            details.GetInt32("config.hardware.memoryMB"),
            details.GetString("config.guestFullName"),
            details.GetString("guest.guestFullName"),
            details.GetString("config.guestId"),
            details.GetString("config.uuid"),
            details.GetString("config.instanceUuid"),
            details.GetString("config.version"),
            details.GetString("config.annotation") is { Length: > 0 } annotation ? annotation : null,
            details.GetBoolean("config.template") ?? false,
            details.GetReference("parent") is { } parent ? snapshot.PathOf(parent) : "",
            snapshot.NameOf(host),
            computeResource?.Type == "ClusterComputeResource" ? snapshot.NameOf(computeResource) : null,
            details.GetReference("resourcePool") is { } pool ? snapshot.PathOf(pool) : null,
            Names(details.GetReferences("datastore"), snapshot),
            Names(details.GetReferences("network"), snapshot),
            ipAddress,
            guestNics.SelectMany(nic => nic.GetStrings("ipAddress")).Prepend(ipAddress).OfType<string>().Distinct(StringComparer.Ordinal).ToArray(),
            details.GetString("guest.hostName"),
            details.GetString("guest.toolsStatus"),
            details.GetString("guest.toolsRunningStatus"),
            details.GetString("guest.toolsVersion"),
            details.GetDateTime("runtime.bootTime") ?? details.GetDateTime("summary.runtime.bootTime"),
            details.GetString("runtime.connectionState"),
            details.GetString("overallStatus"),
            details.GetString("config.files.vmPathName"),
            Units.Gigabytes(details.GetInt64("summary.storage.committed")),
            Units.Gigabytes(details.GetInt64("summary.storage.uncommitted")),
            snapshots?.Flatten().Count() ?? 0,
            snapshots?.Flatten().FirstOrDefault(tree => tree.Snapshot == snapshots.CurrentSnapshot)?.Name,
            devices.OfType<VirtualDisk>().Select(Describe).ToArray(),
            devices.OfType<VirtualEthernetCard>().Select(nic => Describe(nic, snapshot)).ToArray());
    }

    private static string[] Names(IEnumerable<ManagedObjectReference> references, IInventoryNames snapshot) =>
        references.Select(reference => snapshot.NameOf(reference) ?? reference.Value).ToArray();

    private static VmDiskSummary Describe(VirtualDisk disk) => new(
        disk.DeviceInfo?.Label ?? $"disk {disk.Key}",
        Units.Gigabytes(disk.CapacityInBytes ?? disk.CapacityInKB * 1024),
        disk.FlatBacking?.ThinProvisioned,
        disk.FlatBacking?.DiskMode,
        (disk.Backing as VirtualDeviceFileBackingInfo)?.FileName);

    private static VmNicSummary Describe(VirtualEthernetCard nic, IInventoryNames snapshot) => new(
        nic.DeviceInfo?.Label ?? $"nic {nic.Key}",
        nic.GetType().Name,
        nic.MacAddress,
        nic.Backing switch
        {
            VirtualEthernetCardNetworkBackingInfo standard => snapshot.NameOf(standard.Network) ?? standard.DeviceName,
            VirtualEthernetCardDistributedVirtualPortBackingInfo distributed =>
                (distributed.Port.PortgroupKey is { } key ? snapshot.PortgroupName(key) : null) ?? distributed.Port.PortgroupKey,
            VirtualEthernetCardOpaqueNetworkBackingInfo opaque => opaque.OpaqueNetworkId,
            _ => null,
        },
        nic.Connectable?.Connected,
        nic.Connectable?.StartConnected);
}
