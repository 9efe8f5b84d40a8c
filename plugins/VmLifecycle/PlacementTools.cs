using System.ComponentModel;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Progress;
using McVSphere.Sdk.Safety;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.VmLifecycle;

/// <summary>Moving VMs: their storage (all of it, or one disk), their host and pool, their folder.</summary>
[McpServerToolType]
public sealed class PlacementTools(IVSphereSession session)
{
    private const string VmDescription = "Name or inventory path of the VM.";

    private static readonly IReadOnlyDictionary<string, VirtualMachineMovePriority> Priorities = new Dictionary<string, VirtualMachineMovePriority>(StringComparer.OrdinalIgnoreCase)
    {
        ["default"] = VirtualMachineMovePriority.DefaultPriority,
        ["high"] = VirtualMachineMovePriority.HighPriority,
        ["low"] = VirtualMachineMovePriority.LowPriority,
    };

    [McpServerTool(Name = "storage_vmotion", Idempotent = true, UseStructuredContent = true)]
    [Description("Moves all of a VM's files and disks to another datastore (Storage vMotion; the VM may keep running), optionally converting " +
        "its disks: thin_provision=true to thin, false to thick (lazily zeroed), left out keeps each disk's format. Says so when everything is " +
        "already there. Reports the task's progress; cancelling the request cancels the move.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("move the files and disks of VM '{vm_name}' to datastore '{target_datastore}'")]
    public async Task<VmMoved> StorageVmotion(
        [Description(VmDescription)] string vm_name,
        [Description("Name of the datastore to move to.")] string target_datastore,
        IProgress<ProgressNotificationValue> progress,
        [Description("true converts the disks to thin provisioning, false to thick, while moving them; default: keep each disk's format.")]
        bool? thin_provision = null,
        [Description(VSphereProgressExtensions.TimeoutArgumentDescription)] int? timeout_s = null,
        CancellationToken cancellationToken = default)
    {
        var client = session.Client;
        var (vm, datastore, placement) = await FindVmAndDatastoreAsync(vm_name, target_datastore, cancellationToken);
        var toConvert = thin_provision is { } thin
            ? vm.Devices.OfType<VirtualDisk>().Where(disk => (disk.FlatBacking?.ThinProvisioned ?? false) != thin).ToArray()
            : [];
        if (toConvert.Length == 0 && vm.Datastores.SequenceEqual([datastore.Ref]))
        {
            return await ReadBackAsync(vm, $"'{vm.Name}' is already all on '{datastore.Name}'{(thin_provision is null ? "" : " in that format")}; nothing was moved.",
                cancellationToken, alreadyInState: true);
        }
        var spec = new VirtualMachineRelocateSpec
        {
            Host = HostForStorage(placement, vm, [datastore.Ref]),
            Datastore = datastore.Ref,
            Disk = toConvert.Length == 0
                ? null
                : toConvert.Select(disk => new VirtualMachineRelocateSpecDiskLocator
                {
                    DiskId = disk.Key,
                    Datastore = datastore.Ref,
                    DiskBackingInfo = new VirtualDiskFlatVer2BackingInfo
                    {
                        DiskMode = disk.FlatBacking?.DiskMode ?? "persistent",
                        ThinProvisioned = thin_provision,
                        EagerlyScrub = thin_provision == true ? null : false,
                    },
                }).ToArray(),
        };
        await client.RelocateVmAsync(vm.Ref, spec, progress.ForVSphereTask($"Moving {vm.Name} to {datastore.Name}", timeout_s), cancellationToken);
        return await ReadBackAsync(vm, $"Moved '{vm.Name}' to '{datastore.Name}'.", cancellationToken);
    }

    [McpServerTool(Name = "move_vm_disk", Idempotent = true, UseStructuredContent = true)]
    [Description("Moves one disk of a VM to another datastore; its other files stay where they are. Says so when the disk is already there. " +
        "Reports the task's progress; cancelling the request cancels the move.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("move {disk_label} of VM '{vm_name}' to datastore '{target_datastore}'")]
    public async Task<VmMoved> MoveVmDisk(
        [Description(VmDescription)] string vm_name,
        [Description("The disk's label as vSphere shows it, e.g. \"Hard disk 2\" (list_disks lists them).")] string disk_label,
        [Description("Name of the datastore to move the disk to.")] string target_datastore,
        IProgress<ProgressNotificationValue> progress,
        [Description(VSphereProgressExtensions.TimeoutArgumentDescription)] int? timeout_s = null,
        CancellationToken cancellationToken = default)
    {
        var client = session.Client;
        var (vm, datastore, placement) = await FindVmAndDatastoreAsync(vm_name, target_datastore, cancellationToken);
        var disk = vm.Devices.FindByLabel<VirtualDisk>(vm.Name, disk_label, nameof(disk_label), "disk");
        if (disk.FlatBacking?.Datastore == datastore.Ref)
        {
            return await ReadBackAsync(vm, $"{disk.Label()} of '{vm.Name}' is already on '{datastore.Name}'; nothing was moved.", cancellationToken,
                alreadyInState: true);
        }
        var spec = new VirtualMachineRelocateSpec
        {
            Host = HostForStorage(placement, vm, [.. vm.Datastores, datastore.Ref]),
            Disk = [new VirtualMachineRelocateSpecDiskLocator { DiskId = disk.Key, Datastore = datastore.Ref }],
        };
        await client.RelocateVmAsync(vm.Ref, spec, progress.ForVSphereTask($"Moving {disk.Label()} of {vm.Name} to {datastore.Name}", timeout_s), cancellationToken);
        return await ReadBackAsync(vm, $"Moved {disk.Label()} of '{vm.Name}' to '{datastore.Name}'.", cancellationToken);
    }

    [McpServerTool(Name = "migrate_vm", Idempotent = true, UseStructuredContent = true)]
    [Description("Migrates a VM to another host, resource pool and/or datastore (vMotion; the VM may keep running). A host in another " +
        "cluster takes the VM to that cluster's root pool unless a pool is given. Says so when the VM is already there. " +
        "Reports the task's progress; cancelling the request cancels the migration.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("migrate VM '{vm_name}' (host: {target_host}, resource pool: {target_pool}, datastore: {target_datastore})")]
    public async Task<VmMoved> MigrateVm(
        [Description(VmDescription)] string vm_name,
        IProgress<ProgressNotificationValue> progress,
        [Description("Name of the host to move to.")] string? target_host = null,
        [Description("Resource pool (name or path), or a cluster or host for its root pool.")] string? target_pool = null,
        [Description("Name of the datastore to move the VM's storage to.")] string? target_datastore = null,
        [Description("default, high (reserve resources first; fail rather than run slowly) or low.")] string? priority = null,
        [Description(VSphereProgressExtensions.TimeoutArgumentDescription)] int? timeout_s = null,
        CancellationToken cancellationToken = default)
    {
        if (target_host is null && target_pool is null && target_datastore is null)
        {
            throw ToolException.InvalidArgument(nameof(target_host), "Nothing to migrate to: give target_host, target_pool, target_datastore or several.");
        }
        var movePriority = VirtualMachineMovePriority.DefaultPriority;
        if (priority is not null && !Priorities.TryGetValue(priority.Trim(), out movePriority))
        {
            throw ToolException.InvalidArgument(nameof(priority), $"Unknown priority '{priority}'.", Priorities.Keys.ToArray());
        }

        var client = session.Client;
        var finding = client.FindVmAsync(vm_name, nameof(vm_name), VmReads.Placement | VmReads.Devices, cancellationToken);
        var reading = VmPlacement.ReadAsync(session, cancellationToken);
        await Task.WhenAll(finding, reading);
        var (vm, placement) = ((await finding).RequireNotTemplate(nameof(vm_name)), await reading);
        var namedHost = target_host is null ? null : placement.Inventory.Find(VSphereObjectKind.Host, target_host);
        var datastore = target_datastore is null ? null : placement.FindDatastore(target_datastore);
        var pool = target_pool is not null ? placement.FindPool(target_pool, nameof(target_pool))
            : namedHost is not null && placement.Inventory.ParentOf(namedHost.Ref) != OwnerOf(placement, vm) ? placement.ForHost(namedHost.Ref).RootPool
            : null;

        if ((namedHost is null || namedHost.Ref == vm.Host) && (pool is null || pool == vm.ResourcePool) && (datastore is null || vm.Datastores.SequenceEqual([datastore.Ref])))
        {
            return await ReadBackAsync(vm, $"'{vm.Name}' is already there; nothing was moved.", cancellationToken, alreadyInState: true);
        }
        var datastores = datastore is null ? vm.Datastores : [datastore.Ref];
        // A pool or host given: the placement rule decides the host (none with DRS); storage alone keeps the host if it can.
        var host = pool is not null || namedHost is not null
            ? placement.ChooseHost(placement.ForPool(pool ?? RequirePool(vm)), datastores, vm.Networks, target_host, nameof(target_host), vm.Host)?.Ref
            : HostForStorage(placement, vm, datastores);
        var taskProgress = progress.ForVSphereTask($"Migrating {vm.Name}", timeout_s);
        if (datastore is null)
        {
            await client.MigrateVmAsync(vm.Ref, pool, host, movePriority, taskProgress, cancellationToken);
        }
        else
        {
            // Only RelocateVM_Task moves storage too.
            var spec = new VirtualMachineRelocateSpec { Host = host, Pool = pool, Datastore = datastore.Ref };
            await client.RelocateVmAsync(vm.Ref, spec, movePriority, taskProgress, cancellationToken);
        }
        return await ReadBackAsync(vm, $"Migrated '{vm.Name}'.", cancellationToken);
    }

    [McpServerTool(Name = "move_vm_to_folder", Idempotent = true, UseStructuredContent = true)]
    [Description("Moves a VM or template into a VM folder (name or inventory path, e.g. \"DC0/vm/Lab\"). Says so when it is already there.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("move VM '{vm_name}' into folder '{folder_path}'")]
    public async Task<VmFolderMoved> MoveVmToFolder(
        [Description(VmDescription)] string vm_name,
        [Description("The folder's name or inventory path, e.g. \"DC0/vm/Lab\".")] string folder_path,
        IProgress<ProgressNotificationValue> progress,
        CancellationToken cancellationToken = default)
    {
        var client = session.Client;
        var finding = client.FindVmAsync(vm_name, nameof(vm_name), VmReads.Placement | VmReads.Devices, cancellationToken);
        var findingFolder = FolderTools.FindVmFolderAsync(client, folder_path, nameof(folder_path), cancellationToken);
        await Task.WhenAll(finding, findingFolder);
        var (vm, folder) = (await finding, await findingFolder);
        if (vm.Folder == folder.Ref)
        {
            return new VmFolderMoved(vm.Name, folder.Path, AlreadyInState: true);
        }
        await client.MoveIntoFolderAsync(folder.Ref, [vm.Ref], progress.ForVSphereTask($"Moving {vm.Name} to {folder.Path}"), cancellationToken);
        var parent = (await client.Properties.RetrieveAsync(vm.Ref, ["parent"], cancellationToken)).GetReference("parent");
        return new VmFolderMoved(vm.Name, parent is null ? "" : await InventoryReads.PathOfAsync(client, VSphereObjectKind.Folder, parent, cancellationToken));
    }

    [McpServerTool(Name = "move_vm_to_resource_pool", Idempotent = true, UseStructuredContent = true)]
    [Description("Moves a VM into a resource pool of the same cluster or host (its host does not change; migrate_vm moves between clusters). " +
        "Says so when it is already there.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("move VM '{vm_name}' into resource pool '{pool_name}'")]
    public async Task<VmPoolMoved> MoveVmToResourcePool(
        [Description(VmDescription)] string vm_name,
        [Description("Resource pool (name or path), or a cluster or host for its root pool.")] string pool_name,
        IProgress<ProgressNotificationValue> progress,
        CancellationToken cancellationToken = default)
    {
        var client = session.Client;
        var finding = client.FindVmAsync(vm_name, nameof(vm_name), VmReads.Placement | VmReads.Devices, cancellationToken);
        var reading = VmPlacement.ReadAsync(session, cancellationToken);
        await Task.WhenAll(finding, reading);
        var (vm, pool) = ((await finding).RequireNotTemplate(nameof(vm_name)), (await reading).FindPool(pool_name, nameof(pool_name)));
        if (vm.ResourcePool != pool)
        {
            try
            {
                await client.MoveIntoResourcePoolAsync(pool, [vm.Ref], cancellationToken);
            }
            catch (VimFaultException fault) when (fault.IsNotSupported)
            {
                // Servers without MoveIntoResourcePool move the VM with a relocation to the pool, on its own host (a pool of a
                // cluster without DRS needs one).
                await client.RelocateVmAsync(vm.Ref, new VirtualMachineRelocateSpec { Pool = pool, Host = vm.Host },
                    progress.ForVSphereTask($"Moving {vm.Name}"), cancellationToken);
            }
        }
        var readBack = await client.Properties.RetrieveAsync(vm.Ref, ["resourcePool"], cancellationToken);
        var current = readBack.GetReference("resourcePool") ?? throw new VSphereException($"'{vm.Name}' is in no resource pool after the move.");
        return new VmPoolMoved(vm.Name, await InventoryReads.PathOfAsync(client, VSphereObjectKind.ResourcePool, current, cancellationToken),
            AlreadyInState: vm.ResourcePool == pool);
    }

    private async Task<(LocatedVm Vm, InventoryObject Datastore, VmPlacement Placement)> FindVmAndDatastoreAsync(string vmName, string datastoreName,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(datastoreName))
        {
            throw ToolException.InvalidArgument("target_datastore", "target_datastore is required: give the name of a datastore.");
        }
        var finding = session.Client.FindVmAsync(vmName, "vm_name", VmReads.Placement | VmReads.Devices, cancellationToken);
        var reading = VmPlacement.ReadAsync(session, cancellationToken);
        await Task.WhenAll(finding, reading);
        var placement = await reading;
        return (await finding, placement.FindDatastore(datastoreName), placement);
    }

    /// <summary>
    /// For a move of storage only (the VM keeps its pool, so DRS does not choose): none when the VM's host mounts every
    /// datastore, else a usable host of its cluster or standalone host that does.
    /// </summary>
    private static ManagedObjectReference? HostForStorage(VmPlacement placement, LocatedVm vm, IReadOnlyCollection<ManagedObjectReference> datastores)
    {
        var mounted = vm.Host is { } current ? placement.Inventory.Get(current)?.GetReferences("datastore") : null;
        if (mounted is not null && datastores.All(mounted.Contains))
        {
            return null;
        }
        return placement.ChooseHost(placement.ForPool(RequirePool(vm)), datastores, vm.Networks, null, "target_datastore", vm.Host, hostRequired: true)?.Ref;
    }

    private static ManagedObjectReference? OwnerOf(VmPlacement placement, LocatedVm vm) =>
        vm.ResourcePool is { } pool ? placement.Inventory.Get(pool)?.GetReference("owner") : null;

    private static ManagedObjectReference RequirePool(LocatedVm vm) =>
        vm.ResourcePool ?? throw new VSphereException($"'{vm.Name}' is in no resource pool.");

    private async Task<VmMoved> ReadBackAsync(LocatedVm vm, string message, CancellationToken cancellationToken, bool alreadyInState = false)
    {
        var summary = VmSummary.ReadAsync(session.Client, vm.Ref, cancellationToken);
        var devices = session.Client.GetDevicesAsync(vm.Ref, cancellationToken);
        await Task.WhenAll(summary, devices);
        var disks = (await devices).OfType<VirtualDisk>().Select(disk => new DiskLocation(disk.Label(), disk.FlatBacking?.FileName)).ToArray();
        return new VmMoved(await summary, disks, message, alreadyInState);
    }
}

/// <summary>The result of storage_vmotion, move_vm_disk and migrate_vm: where the VM and its disks are, read back from vSphere.</summary>
/// <param name="Vm">The VM now: host, pool, datastores.</param>
/// <param name="Disks">Its disks and their files.</param>
/// <param name="Message">What was done.</param>
/// <param name="AlreadyInState">True when it already was where asked.</param>
public sealed record VmMoved(VmSummary Vm, IReadOnlyList<DiskLocation> Disks, string Message, bool AlreadyInState = false);

/// <summary>A disk and the file that backs it.</summary>
/// <param name="Label">e.g. "Hard disk 1".</param>
/// <param name="FileName">e.g. "[LocalDS_1] web-01/web-01.vmdk".</param>
public sealed record DiskLocation(string Label, string? FileName);

/// <summary>The result of move_vm_to_folder.</summary>
/// <param name="Vm">The VM.</param>
/// <param name="Folder">The inventory path of the folder it is in now.</param>
/// <param name="AlreadyInState">True when it already was there.</param>
public sealed record VmFolderMoved(string Vm, string Folder, bool AlreadyInState = false);

/// <summary>The result of move_vm_to_resource_pool.</summary>
/// <param name="Vm">The VM.</param>
/// <param name="ResourcePool">The inventory path of the pool it is in now.</param>
/// <param name="AlreadyInState">True when it already was there.</param>
public sealed record VmPoolMoved(string Vm, string ResourcePool, bool AlreadyInState = false);
