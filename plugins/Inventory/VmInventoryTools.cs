using System.ComponentModel;
using McVSphere.Sdk.Resources;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Vim;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.Inventory;

[McpServerToolType]
public sealed class VmInventoryTools(IVSphereSession session)
{
    [McpServerTool(Name = "list_vms", UseStructuredContent = true), Description(
        "Lists virtual machines (templates included) in one bulk read, with optional filters and a limit. " + ListFilters.ListingFields +
        " Items are sorted by name; each: name, power_state (poweredOn|poweredOff|suspended), cpu (vCPUs), memory_mb, guest_os, ip_address (from VMware Tools), " +
        "host, cluster (absent on standalone hosts), folder (inventory path of its folder, e.g. 'DC0/vm/Lab'), tools_status " +
        "(toolsOk|toolsOld|toolsNotRunning|toolsNotInstalled), template (true for templates). Fields vSphere leaves unset are omitted.")]
    [ListsEveryVCenter]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    [LinksItemsTo("esxi://vms/{vm_name}")]
    public async Task<Listing<VmSummary>> ListVms(
        [Description(ListFilters.NamePatternDescription)] string? name_pattern = null,
        [Description("Only VMs in this power state: poweredOn, poweredOff or suspended.")] string? power_state = null,
        [Description("Only VMs running on this host (name or inventory path).")] string? host_name = null,
        [Description("Only VMs running on the hosts of this cluster (name or inventory path).")] string? cluster_name = null,
        [Description("Only VMs in this folder or its subfolders (name or inventory path, e.g. 'DC0/vm/Lab').")] string? folder_path = null,
        [Description(ListFilters.LimitDescription)] int? limit = null,
        CancellationToken cancellationToken = default)
    {
        var matchesName = ListFilters.NameMatcher(name_pattern);
        var powerState = ListFilters.ParsePowerState(power_state);
        ListFilters.CheckLimit(limit);

        var snapshot = await VmSummaries.ReadAsync(session.Client, cancellationToken);
        var host = ListFilters.Resolve(snapshot, VSphereObjectKind.Host, host_name, "host_name");
        var cluster = ListFilters.Resolve(snapshot, VSphereObjectKind.Cluster, cluster_name, "cluster_name");
        var folder = ListFilters.Resolve(snapshot, VSphereObjectKind.Folder, folder_path, "folder_path");

        var matching = snapshot.OfType("VirtualMachine")
            .Where(vm =>
            {
                var runsOn = vm.GetReference("summary.runtime.host");
                return matchesName(vm.GetString("name") ?? "")
                    && (powerState is null || vm.GetString("summary.runtime.powerState") == powerState)
                    && (host is null || runsOn == host)
                    && (cluster is null || snapshot.ParentOf(runsOn) == cluster)
                    && (folder is null || snapshot.IsWithin(vm.GetReference("parent"), folder));
            })
            .Select(vm => VmSummaries.Describe(vm, snapshot))
            .SortedByName(vm => vm.Name);
        return ListFilters.Take(matching, limit);
    }

    [McpServerTool(Name = "list_templates", UseStructuredContent = true), Description(
        "Lists VM templates in one bulk read. " + ListFilters.ListingFields +
        " Items are sorted by name; each: name, guest_os, cpu, memory_mb, folder (inventory path), host (where it is registered).")]
    [ListsEveryVCenter]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    [LinksItemsTo("esxi://vms/{vm_name}")]
    public async Task<Listing<TemplateSummary>> ListTemplates(
        [Description(ListFilters.NamePatternDescription)] string? name_pattern = null,
        [Description("Only templates in this folder or its subfolders (name or inventory path).")] string? folder_path = null,
        [Description(ListFilters.LimitDescription)] int? limit = null,
        CancellationToken cancellationToken = default)
    {
        var matchesName = ListFilters.NameMatcher(name_pattern);
        ListFilters.CheckLimit(limit);

        var snapshot = await VmSummaries.ReadAsync(session.Client, cancellationToken);
        var folder = ListFilters.Resolve(snapshot, VSphereObjectKind.Folder, folder_path, "folder_path");
        var matching = snapshot.OfType("VirtualMachine")
            .Where(vm => vm.GetBoolean("summary.config.template") == true
                && matchesName(vm.GetString("name") ?? "")
                && (folder is null || snapshot.IsWithin(vm.GetReference("parent"), folder)))
            .Select(vm => new TemplateSummary(
                vm.GetString("name") ?? vm.Ref.Value,
                vm.GetString("summary.config.guestFullName"),
                vm.GetInt32("summary.config.numCpu"),
                vm.GetInt32("summary.config.memorySizeMB"),
                FolderOf(vm, snapshot),
                snapshot.NameOf(vm.GetReference("summary.runtime.host"))))
            .SortedByName(template => template.Name);
        return ListFilters.Take(matching, limit);
    }

    [McpServerTool(Name = "get_vm_info", UseStructuredContent = true), Description(
        "Details of one VM in two bulk reads: name, path, power_state, cpu, cores_per_socket, memory_mb, guest_os (configured), " +
        "guest_os_running (reported by VMware Tools), guest_id, uuid, instance_uuid, hardware_version, annotation, template, folder, host, " +
        "cluster, resource_pool, datastore (names), networks (names), ip_address, ip_addresses, hostname, tools_status, " +
        "tools_running_status, tools_version, boot_time, connection_state, overall_status (green|yellow|red|gray), vmx_path, " +
        "storage_committed_gb, storage_uncommitted_gb, snapshot_count, current_snapshot, " +
        "disks [{label, capacity_gb, thin_provisioned, disk_mode, file}], nics [{label, type, mac_address, network, connected, start_connected}]. " +
        "Unset fields are omitted.")]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<VmInfo> GetVmInfo(
        [Description("The VM's name (or inventory path, e.g. 'DC0/vm/web-01').")] string name,
        CancellationToken cancellationToken = default) =>
        await ReadVmInfoAsync(session.Client, name, cancellationToken);

    /// <summary>get_vm_info's answer; also the esxi://vms/{vm_name} resource.</summary>
    /// <remarks>
    /// With the inventory index current: the lookup and the names from the index, and one read of the VM, whatever the
    /// size of the inventory. Otherwise one bulk read of the names it resolves.
    /// </remarks>
    internal static async Task<VmInfo> ReadVmInfoAsync(VSphereClient client, string name, CancellationToken cancellationToken)
    {
        if (client.Lookup.Index?.CurrentNames() is { } names)
        {
            var found = await VmFinder.FindAsync(client, VSphereObjectKind.VirtualMachine, name, nameof(name), VmInfo.PropertyPaths, cancellationToken);
            return VmInfo.From(found.Inventory, found.Content, names);
        }
        var snapshot = await InventorySnapshot.ReadAsync(client,
            [
                new PropertySpec { Type = "VirtualMachine", PathSet = [] },
                new PropertySpec { Type = "Datastore", PathSet = [] },
                new PropertySpec { Type = "Network", PathSet = [] },
                new PropertySpec { Type = "DistributedVirtualPortgroup", PathSet = ["key"] },
            ], cancellationToken);
        var vm = snapshot.Find(VSphereObjectKind.VirtualMachine, name);
        var details = await client.Properties.RetrieveAsync(vm.Ref, VmInfo.PropertyPaths, cancellationToken);
        return VmInfo.From(vm, details, snapshot);
    }

    internal static string FolderOf(ObjectContent vm, InventorySnapshot snapshot) =>
        vm.GetReference("parent") is { } parent ? snapshot.PathOf(parent) : "";
}

/// <summary>The VM listing shared by list_vms and the esxi://vms resource: one snapshot read, one row per VM.</summary>
internal static class VmSummaries
{
    // The fields the inventory index keeps live: a warm listing makes no round trip.
    private static readonly IReadOnlyList<string> PropertyPaths = InventoryIndex.VirtualMachineListingPaths;

    /// <summary>Every VM with the summary fields, plus the hosts, clusters and folders that place them, in one read (none when the inventory index is current).</summary>
    public static Task<InventorySnapshot> ReadAsync(VSphereClient client, CancellationToken cancellationToken) =>
        InventorySnapshot.ReadAsync(client, [new PropertySpec { Type = "VirtualMachine", PathSet = PropertyPaths }], cancellationToken);

    /// <summary>Every VM, sorted by name.</summary>
    public static async Task<IReadOnlyList<VmSummary>> ListAsync(VSphereClient client, CancellationToken cancellationToken)
    {
        var snapshot = await ReadAsync(client, cancellationToken);
        return snapshot.OfType("VirtualMachine").Select(vm => Describe(vm, snapshot)).SortedByName(vm => vm.Name);
    }

    public static VmSummary Describe(ObjectContent vm, InventorySnapshot snapshot)
    {
        var host = vm.GetReference("summary.runtime.host");
        var computeResource = snapshot.ParentOf(host);
        return new VmSummary(
            vm.GetString("name") ?? vm.Ref.Value,
            vm.GetString("summary.runtime.powerState") ?? "unknown",
            vm.GetInt32("summary.config.numCpu"),
            vm.GetInt32("summary.config.memorySizeMB"),
            vm.GetString("summary.config.guestFullName"),
            vm.GetString("summary.guest.ipAddress"),
            snapshot.NameOf(host),
            computeResource?.Type == "ClusterComputeResource" ? snapshot.NameOf(computeResource) : null,
            VmInventoryTools.FolderOf(vm, snapshot),
            vm.GetString("summary.guest.toolsStatus"),
            vm.GetBoolean("summary.config.template") ?? false);
    }
}

/// <summary>One VM of list_vms and esxi://vms.</summary>
public sealed record VmSummary(
    string Name,
    string PowerState,
    int? Cpu,
    int? MemoryMb,
    string? GuestOs,
    string? IpAddress,
    string? Host,
    string? Cluster,
    string Folder,
    string? ToolsStatus,
    bool Template);

/// <summary>One template of list_templates.</summary>
public sealed record TemplateSummary(string Name, string? GuestOs, int? Cpu, int? MemoryMb, string Folder, string? Host);
