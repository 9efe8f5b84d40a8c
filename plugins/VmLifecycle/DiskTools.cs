using System.ComponentModel;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Safety;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.VmLifecycle;

[McpServerToolType]
public sealed class DiskTools(IVSphereSession session)
{
    private const string Noun = "disk";
    private const long BytesPerGb = 1L << 30;
    private const long KbPerGb = 1L << 20;

    /// <summary>vSphere's largest virtual disk, 62 TB.</summary>
    private const int MaxSizeGb = 62 * 1024;

    /// <summary>A SCSI VM has at most four SCSI controllers (buses 0 to 3).</summary>
    private const int ScsiBusCount = 4;

    private static readonly string[] LayoutPaths = ["layoutEx.disk", "layoutEx.file"];

    [McpServerTool(Name = "list_disks", UseStructuredContent = true), Description("Lists a VM's virtual disks: label as vSphere shows it (e.g. \"Hard disk 1\"), capacity, " +
        "VMDK file and datastore, provisioning (thin, thick lazy or eager zeroed), disk mode, controller and unit number.")]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<DiskList> ListDisks(
        [Description("The VM's name or inventory path.")] string vm_name,
        CancellationToken cancellationToken)
    {
        var vm = await session.Client.FindVmAsync(vm_name, nameof(vm_name), VmReads.Devices, cancellationToken);
        var devices = vm.Devices;
        return new DiskList(vm.Name, Summaries(devices));
    }

    [McpServerTool(Name = "get_disk_info", UseStructuredContent = true), Description("Details of one virtual disk of a VM: capacity, provisioning, disk mode, sharing, UUID, " +
        "controller and unit, and the files that make it up (descriptor, extents, snapshot deltas) with their sizes.")]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<DiskDetails> GetDiskInfo(
        [Description("The VM's name or inventory path.")] string vm_name,
        [Description("The disk's label as vSphere shows it, e.g. \"Hard disk 1\" (list_disks shows them).")] string disk_label,
        CancellationToken cancellationToken)
    {
        var vm = await session.Client.FindVmAsync(vm_name, nameof(vm_name), VmReads.Devices, LayoutPaths, cancellationToken);
        var devices = vm.Devices;
        var disk = devices.FindByLabel<VirtualDisk>(vm.Name, disk_label, nameof(disk_label), Noun);
        var backing = disk.FlatBacking;
        return new DiskDetails(vm.Name, Summarize(disk, devices), backing?.Uuid, backing?.Sharing, backing?.WriteThrough,
            backing?.Parent?.FileName, FilesOf(disk, vm.Content.GetArray("layoutEx.disk"), vm.Content.GetArray("layoutEx.file")));
    }

    [McpServerTool(Name = "add_disk", UseStructuredContent = true), Description("Adds a new virtual disk to a VM, on the first SCSI controller with a free unit (a new " +
        "paravirtual SCSI controller is added when none has one). The file is created with the VM's files unless a datastore is given. " +
        "Returns the new disk as vSphere reports it and the VM's disks after the change.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("add a {size_gb} GB disk to VM '{vm_name}'")]
    public async Task<DiskAdded> AddDisk(
        [Description("The VM's name or inventory path.")] string vm_name,
        [Description("Capacity of the new disk in GB (1 to 63488).")] int size_gb,
        IProgress<ProgressNotificationValue> progress,
        [Description("Thin provisioned (space allocated as written; default) or thick (lazy zeroed: all space reserved now).")] bool thin_provisioned = true,
        [Description("Datastore for the new disk's file; default: the VM's own folder.")] string? datastore = null,
        CancellationToken cancellationToken = default)
    {
        RequireSize(size_gb, nameof(size_gb));
        var vm = (await session.Client.FindVmAsync(vm_name, nameof(vm_name), VmReads.Devices, cancellationToken)).RequireNotTemplate(nameof(vm_name));
        var devices = vm.Devices;
        var store = string.IsNullOrWhiteSpace(datastore)
            ? null
            : await session.Client.Lookup.FindAsync(VSphereObjectKind.Datastore, datastore, cancellationToken);

        var (newController, controllerKey, unitNumber) = PlaceOnScsi(vm.Name, devices);
        var disk = new VirtualDisk
        {
            Key = -1,
            ControllerKey = controllerKey,
            UnitNumber = unitNumber,
            CapacityInKB = size_gb * KbPerGb,
            CapacityInBytes = size_gb * BytesPerGb,
            Backing = new VirtualDiskFlatVer2BackingInfo
            {
                // An empty name puts the file in the VM's folder; "[datastore]" alone lets vSphere name it there.
                FileName = store is null ? "" : new DatastorePath(store.Name, "").ToString(),
                Datastore = store?.Ref,
                DiskMode = "persistent",
                ThinProvisioned = thin_provisioned,
                EagerlyScrub = false,
            },
        };
        VirtualDeviceConfigSpec[] changes = newController is null
            ? [VirtualDeviceConfigSpec.Add(disk, VirtualDeviceConfigSpecFileOperation.Create)]
            : [VirtualDeviceConfigSpec.Add(newController), VirtualDeviceConfigSpec.Add(disk, VirtualDeviceConfigSpecFileOperation.Create)];
        var after = await session.Client.ChangeDevicesAsync(vm, changes, progress, $"Adding a {size_gb} GB disk to {vm.Name}", cancellationToken);

        var added = after.Added<VirtualDisk>(devices).FirstOrDefault()
            ?? throw new ToolException(ToolErrorKind.NotSupported, $"vSphere reported success, but VM '{vm.Name}' shows no new disk.");
        return new DiskAdded(vm.Name, Summarize(added, after), Summaries(after));
    }

    [McpServerTool(Name = "remove_disk", Destructive = true, UseStructuredContent = true), Description("Removes a virtual disk from a VM. The VMDK file is kept on the " +
        "datastore unless delete_file is true, which deletes it and its data for good. Returns the VM's disks after the change.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("remove {disk_label} from VM '{vm_name}' (delete_file={delete_file}: true also deletes its file and data for good)", DestroysWhen = "delete_file")]
    public async Task<DiskRemoved> RemoveDisk(
        [Description("The VM's name or inventory path.")] string vm_name,
        [Description("The disk's label as vSphere shows it, e.g. \"Hard disk 2\" (list_disks shows them).")] string disk_label,
        IProgress<ProgressNotificationValue> progress,
        [Description("Also delete the disk's file from the datastore (its data is lost). Default: keep the file.")] bool delete_file = false,
        CancellationToken cancellationToken = default)
    {
        var vm = (await session.Client.FindVmAsync(vm_name, nameof(vm_name), VmReads.Devices, cancellationToken)).RequireNotTemplate(nameof(vm_name));
        var disk = vm.Devices.FindByLabel<VirtualDisk>(vm.Name, disk_label, nameof(disk_label), Noun);
        var after = await session.Client.ChangeDevicesAsync(vm, [VirtualDeviceConfigSpec.Remove(disk, destroyFile: delete_file)],
            progress, $"Removing {disk.Label()} from {vm.Name}", cancellationToken);
        if (after.Any(device => device.Key == disk.Key))
        {
            throw new ToolException(ToolErrorKind.NotSupported, $"vSphere reported success, but VM '{vm.Name}' still has {disk.Label()}.");
        }
        return new DiskRemoved(vm.Name, disk.Label(), (disk.Backing as VirtualDeviceFileBackingInfo)?.FileName, delete_file, Summaries(after));
    }

    [McpServerTool(Name = "extend_disk", UseStructuredContent = true), Description("Grows a virtual disk of a VM to a larger capacity. Disks never shrink: a size smaller " +
        "than or equal to the current one is refused. The guest must still extend its partition and file system.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("grow {disk_label} of VM '{vm_name}' to {new_size_gb} GB")]
    public async Task<DiskExtended> ExtendDisk(
        [Description("The VM's name or inventory path.")] string vm_name,
        [Description("The disk's label as vSphere shows it, e.g. \"Hard disk 1\" (list_disks shows them).")] string disk_label,
        [Description("The new capacity in GB; must be larger than the current one.")] int new_size_gb,
        IProgress<ProgressNotificationValue> progress,
        CancellationToken cancellationToken)
    {
        RequireSize(new_size_gb, nameof(new_size_gb));
        var vm = (await session.Client.FindVmAsync(vm_name, nameof(vm_name), VmReads.Devices, cancellationToken)).RequireNotTemplate(nameof(vm_name));
        var devices = vm.Devices;
        var disk = devices.FindByLabel<VirtualDisk>(vm.Name, disk_label, nameof(disk_label), Noun);
        var currentBytes = CapacityBytes(disk);
        var newBytes = new_size_gb * BytesPerGb;
        if (newBytes <= currentBytes)
        {
            throw ToolException.InvalidArgument(nameof(new_size_gb),
                $"{disk.Label()} of VM '{vm.Name}' already has {Gb(currentBytes)} GB; new_size_gb ({new_size_gb}) must be larger. " +
                "Virtual disks can only grow: to get a smaller disk, add one with add_disk and move the data in the guest.");
        }

        // Sent as read (with its deviceInfo), only the capacity changed; capacityInBytes only where the server reports it.
        var grown = disk with
        {
            CapacityInKB = new_size_gb * KbPerGb,
            CapacityInBytes = disk.CapacityInBytes is null ? null : newBytes,
        };
        var after = await session.Client.ChangeDevicesAsync(vm, [VirtualDeviceConfigSpec.Edit(grown)], progress,
            $"Extending {disk.Label()} of {vm.Name} to {new_size_gb} GB", cancellationToken);
        var readBack = after.OfType<VirtualDisk>().FirstOrDefault(device => device.Key == disk.Key)
            ?? throw new ToolException(ToolErrorKind.NotSupported, $"VM '{vm.Name}' no longer shows {disk.Label()} after the change.");
        return new DiskExtended(vm.Name, Gb(currentBytes), Summarize(readBack, after));
    }

    private static void RequireSize(int sizeGb, string argument)
    {
        if (sizeGb is < 1 or > MaxSizeGb)
        {
            throw ToolException.InvalidArgument(argument, $"{argument} must be a whole number of GB from 1 to {MaxSizeGb} (62 TB, vSphere's largest disk); got {sizeGb}.");
        }
    }

    /// <summary>Where a new disk goes: the first SCSI controller (by bus) with a free unit, else a new controller on a free bus.</summary>
    private static (ParaVirtualSCSIController? NewController, int ControllerKey, int UnitNumber) PlaceOnScsi(string vmName, IReadOnlyList<VirtualDevice> devices)
    {
        var controllers = devices.OfType<VirtualSCSIController>().OrderBy(controller => controller.BusNumber).ToArray();
        foreach (var controller in controllers)
        {
            var used = devices.Where(device => device.ControllerKey == controller.Key).Select(device => device.UnitNumber).ToHashSet();
            foreach (var unit in controller.DeviceUnitNumbers)
            {
                if (!used.Contains(unit))
                {
                    return (null, controller.Key, unit);
                }
            }
        }
        var busesInUse = controllers.Select(controller => controller.BusNumber).ToHashSet();
        var freeBus = Enumerable.Range(0, ScsiBusCount).Where(bus => !busesInUse.Contains(bus)).Select(bus => (int?)bus).FirstOrDefault()
            ?? throw ToolException.Refused($"VM '{vmName}' has no free SCSI slot: its {ScsiBusCount} SCSI controllers are full " +
                $"({VirtualSCSIController.UnitCount - 1} devices each, vSphere's limit). Remove a disk first.");
        // A temporary negative key: the new disk names it as its controller, and vSphere assigns the real key.
        var newController = new ParaVirtualSCSIController { Key = -100, BusNumber = freeBus, SharedBus = "noSharing" };
        return (newController, newController.Key, newController.DeviceUnitNumbers.First());
    }

    private static IReadOnlyList<DiskSummary> Summaries(IReadOnlyList<VirtualDevice> devices) =>
        devices.OfType<VirtualDisk>().Select(disk => Summarize(disk, devices)).ToArray();

    private static DiskSummary Summarize(VirtualDisk disk, IReadOnlyList<VirtualDevice> devices)
    {
        var fileName = (disk.Backing as VirtualDeviceFileBackingInfo)?.FileName;
        var flat = disk.FlatBacking;
        var provisioning = flat is null ? null
            : flat.ThinProvisioned == true ? "thin"
            : flat.EagerlyScrub == true ? "thick_eager_zeroed"
            : "thick_lazy_zeroed";
        var bytes = CapacityBytes(disk);
        return new DiskSummary(
            disk.Label(),
            Gb(bytes),
            bytes / 1024,
            fileName,
            DatastorePath.TryParse(fileName, out var path) ? path.Datastore : null,
            flat is null ? null : flat.ThinProvisioned == true,
            provisioning,
            flat?.DiskMode,
            devices.FirstOrDefault(device => device.Key == disk.ControllerKey)?.Label(),
            disk.UnitNumber,
            disk.Key);
    }

    /// <summary>The files of the disk's chain (its own first, then its parents'), from <c>layoutEx</c>.</summary>
    private static IReadOnlyList<DiskFile> FilesOf(VirtualDisk disk, IReadOnlyList<VimValue> diskLayouts, IReadOnlyList<VimValue> files)
    {
        var layout = diskLayouts.OfType<VimObject>().FirstOrDefault(candidate => candidate.GetInt32("key") == disk.Key);
        if (layout is null)
        {
            return [];
        }
        var filesByKey = files.OfType<VimObject>().Where(file => file.GetInt32("key") is not null).ToDictionary(file => file.GetInt32("key")!.Value);
        return layout.GetArray("chain").OfType<VimObject>()
            .SelectMany(unit => unit.GetArray("fileKey"))
            .Select(key => filesByKey.GetValueOrDefault(key.AsInt32()))
            .OfType<VimObject>()
            .Select(file => new DiskFile(file.GetString("name") ?? "", file.GetString("type"), file.GetInt64("size")))
            .ToArray();
    }

    private static long CapacityBytes(VirtualDisk disk) => disk.CapacityInBytes ?? disk.CapacityInKB * 1024;

    private static double Gb(long bytes) => Math.Round((double)bytes / BytesPerGb, 2);
}

/// <summary>A virtual disk as list_disks shows it.</summary>
/// <param name="Label">The label vSphere shows, e.g. "Hard disk 1".</param>
/// <param name="SizeGb">Capacity in GB (2 decimals), as the original mcvsphere named it.</param>
/// <param name="CapacityKb">Capacity in KB, exact.</param>
/// <param name="File">The VMDK, e.g. "[LocalDS_0] web-01/web-01.vmdk".</param>
/// <param name="Datastore">The datastore holding the VMDK.</param>
/// <param name="ThinProvisioned">Whether the disk is thin; null for raw device mappings and other backings.</param>
/// <param name="Provisioning">"thin", "thick_lazy_zeroed" or "thick_eager_zeroed" (which thick); null for raw device mappings and other backings.</param>
/// <param name="Mode">"persistent", "independent_persistent", "independent_nonpersistent"...</param>
/// <param name="Controller">The label of its controller, e.g. "SCSI controller 0".</param>
/// <param name="UnitNumber">Its unit number on that controller.</param>
/// <param name="Key">The device key, unique within the VM.</param>
public sealed record DiskSummary(
    string Label, double SizeGb, long CapacityKb, string? File, string? Datastore, bool? ThinProvisioned, string? Provisioning, string? Mode,
    string? Controller, int? UnitNumber, int Key);

/// <summary>The result of list_disks.</summary>
public sealed record DiskList(string Vm, IReadOnlyList<DiskSummary> Disks);

/// <summary>One file of a disk, from the VM's file layout.</summary>
/// <param name="Name">Its datastore path.</param>
/// <param name="Type">"diskDescriptor" or "diskExtent".</param>
/// <param name="SizeBytes">Its size on the datastore.</param>
public sealed record DiskFile(string Name, string? Type, long? SizeBytes);

/// <summary>The result of get_disk_info.</summary>
/// <param name="Vm">The VM.</param>
/// <param name="Disk">The disk.</param>
/// <param name="Uuid">The disk's UUID, when vSphere reports it.</param>
/// <param name="Sharing">"sharingNone" or "sharingMultiWriter".</param>
/// <param name="WriteThrough">Write-through caching.</param>
/// <param name="ParentFile">The parent disk (the VM has snapshots, or is a linked clone).</param>
/// <param name="Files">Its files: its own, then its parents'.</param>
public sealed record DiskDetails(
    string Vm, DiskSummary Disk, string? Uuid, string? Sharing, bool? WriteThrough, string? ParentFile, IReadOnlyList<DiskFile> Files);

/// <summary>The result of add_disk.</summary>
/// <param name="Vm">The VM.</param>
/// <param name="Disk">The new disk, as vSphere reports it.</param>
/// <param name="Disks">All the VM's disks after the change.</param>
public sealed record DiskAdded(string Vm, DiskSummary Disk, IReadOnlyList<DiskSummary> Disks);

/// <summary>The result of remove_disk.</summary>
/// <param name="Vm">The VM.</param>
/// <param name="Removed">The label the removed disk had.</param>
/// <param name="FileName">Its VMDK.</param>
/// <param name="FileDeleted">Whether vSphere was told to delete the file (true) or keep it (false).</param>
/// <param name="Disks">The VM's disks after the change.</param>
public sealed record DiskRemoved(string Vm, string Removed, string? FileName, bool FileDeleted, IReadOnlyList<DiskSummary> Disks);

/// <summary>The result of extend_disk.</summary>
/// <param name="Vm">The VM.</param>
/// <param name="PreviousCapacityGb">The capacity before.</param>
/// <param name="Disk">The disk as vSphere reports it now.</param>
public sealed record DiskExtended(string Vm, double PreviousCapacityGb, DiskSummary Disk);
