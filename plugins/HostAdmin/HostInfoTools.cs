using System.ComponentModel;
using System.Globalization;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Vim;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.HostAdmin;

/// <summary>What an administrator looks at first on a host. Each tool is one lookup and one read of the host.</summary>
[McpServerToolType]
public sealed class HostInfoTools(IVSphereSession session)
{
    private const long BytesPerMb = 1024 * 1024;

    [McpServerTool(Name = "get_host_info", UseStructuredContent = true), Description("An ESXi host at a glance: product and build, connection, power and maintenance state, boot time and uptime, CPU and memory (capacity and use), VM count, overall status.")]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<HostInfo> GetHostInfo(
        [Description(HostArguments.HostName)] string? host_name = null,
        CancellationToken cancellationToken = default)
    {
        var (host, content) = await ReadAsync(host_name, HostInfo.PropertyPaths, cancellationToken);
        return HostInfo.From(host, content);
    }

    [McpServerTool(Name = "get_host_hardware", UseStructuredContent = true), Description("An ESXi host's hardware: vendor, model, serial number, BIOS, CPU packages, cores and threads, memory, physical NICs (driver, MAC, link speed) and storage adapters (HBAs).")]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<HostHardware> GetHostHardware(
        [Description(HostArguments.HostName)] string? host_name = null,
        CancellationToken cancellationToken = default)
    {
        var (host, content) = await ReadAsync(host_name, HostHardware.PropertyPaths, cancellationToken);
        return HostHardware.From(host, content);
    }

    [McpServerTool(Name = "get_host_networking", UseStructuredContent = true), Description("An ESXi host's networking: standard vSwitches (uplinks, port groups, MTU), distributed switch membership, port groups and VLANs, VMkernel NICs (IP, port group, MTU), physical NICs, DNS and routes.")]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<HostNetworking> GetHostNetworking(
        [Description(HostArguments.HostName)] string? host_name = null,
        CancellationToken cancellationToken = default)
    {
        var (host, content) = await ReadAsync(host_name, HostNetworking.PropertyPaths, cancellationToken);
        return HostNetworking.From(host, content);
    }

    private async Task<(InventoryObject Host, ObjectContent Content)> ReadAsync(string? hostName, IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var host = await session.ResolveHostAsync(hostName, cancellationToken);
        return (host, await session.Client.Properties.RetrieveAsync(host.Ref, paths, cancellationToken));
    }

    internal static long? Megabytes(long? bytes) => bytes / BytesPerMb;
}

/// <summary>The result of get_host_info.</summary>
/// <param name="Uuid">The host's hardware UUID.</param>
/// <param name="ManagementIp">The address of its management VMkernel NIC.</param>
public sealed record HostInfo(
    string Host,
    string Path,
    string? Uuid,
    string? ManagementIp,
    HostProduct? Product,
    string? ConnectionState,
    string? PowerState,
    bool InMaintenanceMode,
    DateTimeOffset? BootTime,
    long? UptimeSeconds,
    string? OverallStatus,
    bool? RebootRequired,
    string? Vendor,
    string? Model,
    string? CpuModel,
    int? CpuPackages,
    int? CpuCores,
    int? CpuThreads,
    int? CpuMhzPerCore,
    int? CpuUsageMhz,
    long? MemoryMb,
    int? MemoryUsageMb,
    int VmCount)
{
    internal static readonly IReadOnlyList<string> PropertyPaths =
    [
        "summary.config.product", "runtime.connectionState", "runtime.powerState", "runtime.inMaintenanceMode", "runtime.bootTime",
        "summary.quickStats.uptime", "summary.quickStats.overallCpuUsage", "summary.quickStats.overallMemoryUsage",
        "summary.overallStatus", "summary.rebootRequired",
        "summary.hardware.vendor", "summary.hardware.model", "summary.hardware.cpuModel", "summary.hardware.numCpuPkgs",
        "summary.hardware.numCpuCores", "summary.hardware.numCpuThreads", "summary.hardware.cpuMhz", "summary.hardware.memorySize",
        "vm", "summary.hardware.uuid", "config.network.vnic",
    ];

    internal static HostInfo From(InventoryObject host, ObjectContent content) => new(
        host.Name,
        host.Path,
        content.GetString("summary.hardware.uuid"),
        HostVmkernelNic.ManagementAddress(content.GetArray("config.network.vnic").OfType<VimObject>().Select(HostVmkernelNic.From).ToArray()),
        HostProduct.From(content.GetObject("summary.config.product")),
        content.GetString("runtime.connectionState"),
        content.GetString("runtime.powerState"),
        content.GetBoolean("runtime.inMaintenanceMode") ?? false,
        content.GetDateTime("runtime.bootTime"),
        content.GetInt64("summary.quickStats.uptime"),
        content.GetString("summary.overallStatus"),
        content.GetBoolean("summary.rebootRequired"),
        content.GetString("summary.hardware.vendor"),
        content.GetString("summary.hardware.model"),
        content.GetString("summary.hardware.cpuModel"),
        content.GetInt32("summary.hardware.numCpuPkgs"),
        content.GetInt32("summary.hardware.numCpuCores"),
        content.GetInt32("summary.hardware.numCpuThreads"),
        content.GetInt32("summary.hardware.cpuMhz"),
        content.GetInt32("summary.quickStats.overallCpuUsage"),
        HostInfoTools.Megabytes(content.GetInt64("summary.hardware.memorySize")),
        content.GetInt32("summary.quickStats.overallMemoryUsage"),
        content.GetReferences("vm").Count);
}

/// <summary>The ESXi product a host runs.</summary>
public sealed record HostProduct(string? FullName, string? Version, string? Build, string? ApiVersion)
{
    internal static HostProduct? From(VimObject? about) => about is null
        ? null
        : new HostProduct(about.GetString("fullName"), about.GetString("version"), about.GetString("build"), about.GetString("apiVersion"));
}

/// <summary>The result of get_host_hardware.</summary>
public sealed record HostHardware(
    string Host,
    string? Vendor,
    string? Model,
    string? SerialNumber,
    string? Uuid,
    HostBios? Bios,
    string? CpuModel,
    int? CpuPackages,
    int? CpuCores,
    int? CpuThreads,
    long? CpuHz,
    IReadOnlyList<HostCpuPackage> CpuPackageDetails,
    long? MemoryMb,
    IReadOnlyList<HostPhysicalNic> PhysicalNics,
    IReadOnlyList<HostStorageAdapter> StorageAdapters)
{
    internal static readonly IReadOnlyList<string> PropertyPaths =
    [
        "hardware.systemInfo", "hardware.biosInfo", "hardware.cpuInfo", "hardware.cpuPkg", "hardware.memorySize",
        "summary.hardware.cpuModel", "config.network.pnic", "config.storageDevice.hostBusAdapter",
    ];

    internal static HostHardware From(InventoryObject host, ObjectContent content)
    {
        var system = content.GetObject("hardware.systemInfo");
        var bios = content.GetObject("hardware.biosInfo");
        return new HostHardware(
            host.Name,
            system?.GetString("vendor"),
            system?.GetString("model"),
            SerialNumberOf(system),
            system?.GetString("uuid"),
            bios is null ? null : new HostBios(bios.GetString("vendor"), bios.GetString("biosVersion"), bios.GetDateTime("releaseDate")),
            content.GetString("summary.hardware.cpuModel"),
            content.GetInt32("hardware.cpuInfo.numCpuPackages"),
            content.GetInt32("hardware.cpuInfo.numCpuCores"),
            content.GetInt32("hardware.cpuInfo.numCpuThreads"),
            content.GetInt64("hardware.cpuInfo.hz"),
            content.GetArray("hardware.cpuPkg").OfType<VimObject>()
                .Select(package => new HostCpuPackage(package.GetInt32("index") ?? 0, package.GetString("vendor"), package.GetString("description"), package.GetInt64("hz")))
                .ToArray(),
            HostInfoTools.Megabytes(content.GetInt64("hardware.memorySize")),
            HostPhysicalNic.ListFrom(content["config.network.pnic"]),
            content.GetArray("config.storageDevice.hostBusAdapter").OfType<VimObject>().Select(HostStorageAdapter.From).ToArray());
    }

    /// <summary>systemInfo.serialNumber (vSphere 6.7 and later), else the "ServiceTag" identifier older hosts report.</summary>
    private static string? SerialNumberOf(VimObject? system) =>
        system?.GetString("serialNumber")
        ?? system?.GetArray("otherIdentifyingInfo").OfType<VimObject>()
            .FirstOrDefault(info => info.GetString("identifierType.key") == "ServiceTag")
            ?.GetString("identifierValue");
}

/// <summary>A host's BIOS.</summary>
public sealed record HostBios(string? Vendor, string? Version, DateTimeOffset? ReleaseDate);

/// <summary>One CPU package (socket).</summary>
public sealed record HostCpuPackage(int Index, string? Vendor, string? Description, long? Hz);

/// <summary>A physical NIC (vmnic).</summary>
/// <param name="Device">Its name, e.g. vmnic0.</param>
/// <param name="Mac">Its MAC address.</param>
/// <param name="Driver">Its driver.</param>
/// <param name="Pci">Its PCI address.</param>
/// <param name="LinkSpeedMb">The link speed in Mb/s; absent when the link is down.</param>
/// <param name="FullDuplex">Whether the link is full duplex; absent when it is down.</param>
public sealed record HostPhysicalNic(string Device, string? Mac, string? Driver, string? Pci, int? LinkSpeedMb, bool? FullDuplex)
{
    internal static IReadOnlyList<HostPhysicalNic> ListFrom(VimValue? pnics) =>
        pnics?.AsArray().OfType<VimObject>().Select(pnic => new HostPhysicalNic(
            pnic.GetString("device") ?? "",
            pnic.GetString("mac"),
            pnic.GetString("driver"),
            pnic.GetString("pci"),
            pnic.GetInt32("linkSpeed.speedMb"),
            pnic.GetBoolean("linkSpeed.duplex"))).ToArray() ?? [];
}

/// <summary>A storage adapter (vmhba).</summary>
/// <param name="Device">Its name, e.g. vmhba0.</param>
/// <param name="Type">FibreChannel, iSCSI, SAS, ParallelSCSI, Block, NVMe..., from its vSphere type.</param>
/// <param name="Model">Its model.</param>
/// <param name="Driver">Its driver.</param>
/// <param name="Status">online, offline, unbound or unknown.</param>
/// <param name="Pci">Its PCI address.</param>
/// <param name="PortWwn">Fibre Channel: the port's World Wide Name.</param>
/// <param name="IscsiName">iSCSI: the adapter's IQN.</param>
public sealed record HostStorageAdapter(string Device, string Type, string? Model, string? Driver, string? Status, string? Pci, string? PortWwn, string? IscsiName)
{
    internal static HostStorageAdapter From(VimObject hba) => new(
        hba.GetString("device") ?? "",
        AdapterType(hba.TypeName),
        hba.GetString("model"),
        hba.GetString("driver"),
        hba.GetString("status"),
        hba.GetString("pci"),
        hba.GetInt64("portWorldWideName") is { } wwn ? FormatWwn(wwn) : null,
        hba.GetString("iScsiName"));

    /// <summary>HostFibreChannelHba → FibreChannel, HostInternetScsiHba → iSCSI, HostBlockHba → Block...</summary>
    private static string AdapterType(string? typeName) => typeName switch
    {
        null => "unknown",
        "HostInternetScsiHba" => "iSCSI",
        "HostSerialAttachedHba" => "SAS",
        "HostParallelScsiHba" => "ParallelSCSI",
        "HostPcieHba" => "NVMe",
        _ => typeName.StartsWith("Host", StringComparison.Ordinal) && typeName.EndsWith("Hba", StringComparison.Ordinal)
            ? typeName["Host".Length..^"Hba".Length]
            : typeName,
    };

    /// <summary>A WWN as the vSphere Client shows it: 20:00:00:25:b5:01:00:0f.</summary>
    private static string FormatWwn(long wwn) =>
        string.Join(':', Enumerable.Range(0, 8).Select(i => ((byte)((ulong)wwn >> (56 - 8 * i))).ToString("x2", CultureInfo.InvariantCulture)));
}
