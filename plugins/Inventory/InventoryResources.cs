using System.ComponentModel;
using McVSphere.Sdk.Json;
using McVSphere.Sdk.Resources;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.Inventory;

/// <summary>
/// The inventory as MCP resources: always-current JSON listings, each one bulk read. Listings have the shape of the
/// list tools without filters: {total, returned, truncated, items}.
/// </summary>
[McpServerResourceType]
public sealed class InventoryResources(IVSphereSession session)
{
    private const string Json = "application/json";

    [McpServerResource(UriTemplate = "esxi://vms", Name = "vm_list", MimeType = Json)]
    [WatchesInventory("VirtualMachine", "name", "runtime.powerState", "runtime.host", "config.hardware.numCPU", "config.hardware.memoryMB", "config.template", "guest.ipAddress", "guest.toolsStatus")]
    [Description("All virtual machines, as list_vms returns them: name, power_state, cpu, memory_mb, guest_os, ip_address, host, cluster, folder, tools_status, template.")]
    public Task<string> Vms(CancellationToken cancellationToken) =>
        ListingAsync(() => VmSummaries.ListAsync(session.Client, cancellationToken));

    [McpServerResource(UriTemplate = "esxi://hosts", Name = "host_list", MimeType = Json)]
    [WatchesInventory("HostSystem", "name", "runtime.connectionState", "runtime.powerState", "runtime.inMaintenanceMode", "vm")]
    [Description("All ESXi hosts, as list_hosts returns them: name, connection_state, power_state, in_maintenance_mode, cluster, hardware, version, vm_count.")]
    public Task<string> Hosts(CancellationToken cancellationToken) =>
        ListingAsync(() => HostSummaries.ListAsync(session.Client, cancellationToken));

    [McpServerResource(UriTemplate = "esxi://datastores", Name = "datastore_list", MimeType = Json)]
    [WatchesInventory("Datastore", "name", "summary.capacity", "summary.freeSpace", "summary.accessible", "summary.maintenanceMode")]
    [Description("All datastores with capacity: name, type, capacity_gb, free_gb, used_percent, accessible, maintenance_mode, url.")]
    public Task<string> Datastores(CancellationToken cancellationToken) => ListingAsync(async () =>
        (await session.Client.Properties.RetrieveAsync<DatastoreSummaryRow>(cancellationToken: cancellationToken))
            .Select(row => new DatastoreSummary(
                row.Name,
                row.Type,
                Units.Gigabytes(row.CapacityBytes),
                Units.Gigabytes(row.FreeSpaceBytes),
                Units.Percent(row.CapacityBytes - row.FreeSpaceBytes, row.CapacityBytes),
                row.Accessible,
                row.MaintenanceMode,
                row.Url))
            .SortedByName(datastore => datastore.Name));

    [McpServerResource(UriTemplate = "esxi://networks", Name = "network_list", MimeType = Json)]
    [WatchesInventory("Network", "name", "summary.accessible")]
    [Description("All networks and port groups: name, type (Network|DistributedVirtualPortgroup|OpaqueNetwork), accessible, switch, port_binding, num_ports, vlan_id, vlan_trunk.")]
    public Task<string> Networks(CancellationToken cancellationToken) =>
        ListingAsync(() => NetworkSummaries.ListAsync(session.Client, cancellationToken));

    [McpServerResource(UriTemplate = "esxi://clusters", Name = "cluster_list", MimeType = Json)]
    [WatchesInventory("ClusterComputeResource", "name", "host", "summary.numHosts", "summary.numEffectiveHosts")]
    [Description("All clusters, as list_clusters returns them: capacity, host counts, DRS and HA settings.")]
    public Task<string> Clusters(CancellationToken cancellationToken) =>
        ListingAsync(() => ClusterSummaries.ListAsync(session.Client, cancellationToken));

    [McpServerResource(UriTemplate = "esxi://resource-pools", Name = "resource_pool_list", MimeType = Json)]
    [WatchesInventory("ResourcePool", "name", "vm", "config")]
    [Description("All resource pools and vApps, as list_resource_pools returns them: path, owner, reservations, limits, shares, vm_count.")]
    public Task<string> ResourcePools(CancellationToken cancellationToken) =>
        ListingAsync(() => ResourcePoolSummaries.ListAsync(session.Client, cancellationToken));

    [McpServerResource(UriTemplate = "esxi://vms/{vm_name}", Name = "vm_details", MimeType = Json)]
    [Description("One VM in detail, as get_vm_info returns it (e.g. esxi://vms/web-01). Completions suggest VM names.")]
    public Task<string> Vm(
        [Description("The VM's name.")] string vm_name,
        CancellationToken cancellationToken) =>
        ReadAsync(() => VmInventoryTools.ReadVmInfoAsync(session.Client, vm_name, cancellationToken));

    [McpServerResource(UriTemplate = "datastore://{datastore_name}", Name = "datastore_files", MimeType = Json)]
    [Description("The files and folders at the root of a datastore, as browse_datastore returns them (e.g. datastore://LocalDS_0).")]
    public Task<string> DatastoreFiles(
        [Description("The datastore's name.")] string datastore_name,
        CancellationToken cancellationToken) =>
        ReadAsync(() => DatastoreBrowsing.ListFolderAsync(session.Client, datastore_name, path: null, progress: null, cancellationToken));

    private static Task<string> ListingAsync<T>(Func<Task<IReadOnlyList<T>>> list) =>
        ReadAsync(async () => ListFilters.Take(await list(), limit: null));

    /// <summary>
    /// Reads and serialises. The host turns tool errors into results but has no such filter for resources, so vSphere
    /// errors leave as MCP errors that keep their message (an unknown datastore as ResourceNotFound) rather than as an
    /// opaque internal error.
    /// </summary>
    private static async Task<string> ReadAsync<T>(Func<Task<T>> read)
    {
        try
        {
            return McVSphereJson.Serialize(await read());
        }
        catch (VSphereObjectNotFoundException error)
        {
            throw new McpProtocolException(error.Message, McpErrorCode.ResourceNotFound);
        }
        catch (VSphereException error)
        {
            throw new McpException(error.Message, error);
        }
    }
}

/// <summary>One datastore of esxi://datastores.</summary>
public sealed record DatastoreSummary(
    string Name,
    string? Type,
    double? CapacityGb,
    double? FreeGb,
    double? UsedPercent,
    bool Accessible,
    string? MaintenanceMode,
    string? Url);
