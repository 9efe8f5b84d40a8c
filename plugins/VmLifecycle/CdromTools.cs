using System.ComponentModel;
using McVSphere.Sdk.Datastores;
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
public sealed class CdromTools(IVSphereSession session)
{
    [McpServerTool(Name = "attach_iso", UseStructuredContent = true), Description("Inserts an ISO image from a datastore into a VM's CD/DVD drive (the first one; a drive " +
        "is added on a free IDE slot when the VM has none). The drive connects now if the VM is powered on, and at every power-on. " +
        "An ISO already in the drive is replaced, even when the guest has locked the tray (vSphere's question is answered Yes). Returns the drive as vSphere reports it.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("insert ISO {iso_path} into the CD/DVD drive of VM '{vm_name}'")]
    public async Task<CdromDrives> AttachIso(
        [Description("The VM's name or inventory path.")] string vm_name,
        [Description("The ISO file: \"[datastore] path/file.iso\", or a path inside the datastore given by datastore (default: the VM's own datastore).")]
        string iso_path,
        IProgress<ProgressNotificationValue> progress,
        [Description("The datastore holding the ISO, when iso_path does not start with \"[datastore]\"; default: the datastore of the VM's files, as in the original mcvsphere.")]
        string? datastore = null,
        CancellationToken cancellationToken = default)
    {
        RequireIsoPath(iso_path);
        var vm = (await session.Client.FindVmAsync(vm_name, nameof(vm_name), VmReads.Devices, [HomePath], cancellationToken)).RequireNotTemplate(nameof(vm_name));
        var isoLocation = ParseIsoPath(iso_path, datastore, vm);
        var store = await session.Client.Lookup.FindAsync(VSphereObjectKind.Datastore, isoLocation.Datastore, cancellationToken);
        var devices = vm.Devices;

        var iso = new VirtualCdromIsoBackingInfo { FileName = (isoLocation with { Datastore = store.Name }).ToString(), Datastore = store.Ref };
        var connection = new VirtualDeviceConnectInfo { StartConnected = true, Connected = vm.IsPoweredOn, AllowGuestControl = true };
        var change = devices.OfType<VirtualCdrom>().FirstOrDefault() is { } drive
            ? VirtualDeviceConfigSpec.Edit(drive with { Backing = iso, Connectable = connection })
            : VirtualDeviceConfigSpec.Add(NewDriveOnIde(vm.Name, devices, iso, connection));
        var after = await session.Client.ChangeMediaAsync(vm, [change], progress, $"Inserting {iso.FileName} into {vm.Name}", cancellationToken);
        return new CdromDrives(vm.Name, vm.PowerState, Drives(after));
    }

    [McpServerTool(Name = "detach_iso", Destructive = true, Idempotent = true, UseStructuredContent = true), Description("Ejects the ISO image from every CD/DVD drive " +
        "of a VM that holds one: the drive is left empty (client device) and disconnected, even when the guest has locked the tray " +
        "(vSphere asks whether to override the lock; the answer is Yes). A VM with no ISO inserted is left as it is. " +
        "Returns the drives as vSphere reports them.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("eject the ISO image from VM '{vm_name}'")]
    public async Task<CdromDrives> DetachIso(
        [Description("The VM's name or inventory path.")] string vm_name,
        IProgress<ProgressNotificationValue> progress,
        CancellationToken cancellationToken)
    {
        var vm = (await session.Client.FindVmAsync(vm_name, nameof(vm_name), VmReads.Devices, cancellationToken)).RequireNotTemplate(nameof(vm_name));
        var loaded = vm.Devices.OfType<VirtualCdrom>().Where(drive => drive.Backing is VirtualCdromIsoBackingInfo).ToArray();
        if (loaded.Length == 0)
        {
            return new CdromDrives(vm.Name, vm.PowerState, Drives(vm.Devices));
        }
        var changes = loaded.Select(drive => VirtualDeviceConfigSpec.Edit(drive with
        {
            Backing = new VirtualCdromRemotePassthroughBackingInfo { DeviceName = "", Exclusive = false },
            Connectable = new VirtualDeviceConnectInfo
            {
                StartConnected = false,
                Connected = false,
                AllowGuestControl = drive.Connectable?.AllowGuestControl ?? true,
            },
        })).ToArray();
        var after = await session.Client.ChangeMediaAsync(vm, changes, progress, $"Ejecting the ISO from {vm.Name}", cancellationToken);
        return new CdromDrives(vm.Name, vm.PowerState, Drives(after));
    }

    /// <summary>The VM's configuration file, "[datastore] folder/vm.vmx": its datastore is where attach_iso looks by default.</summary>
    private const string HomePath = "config.files.vmPathName";

    private static void RequireIsoPath(string isoPath)
    {
        if (string.IsNullOrWhiteSpace(isoPath))
        {
            throw ToolException.InvalidArgument("iso_path", "iso_path is required: give the ISO as \"[datastore] path/file.iso\".");
        }
    }

    /// <summary>The ISO's datastore and path, from "[datastore] path" or from a path plus the datastore argument (or the VM's own datastore).</summary>
    private static DatastorePath ParseIsoPath(string isoPath, string? datastore, LocatedVm vm)
    {
        if (DatastorePath.TryParse(isoPath, out var bracketed))
        {
            if (bracketed.Path.Length == 0)
            {
                throw ToolException.InvalidArgument("iso_path", $"iso_path '{isoPath}' names a datastore but no file: write \"[{bracketed.Datastore}] path/file.iso\".");
            }
            if (!string.IsNullOrWhiteSpace(datastore) && !string.Equals(datastore.Trim(), bracketed.Datastore, StringComparison.OrdinalIgnoreCase))
            {
                throw ToolException.InvalidArgument("datastore",
                    $"iso_path '{isoPath}' is on datastore '{bracketed.Datastore}' but datastore says '{datastore}': give one datastore, or leave datastore out.");
            }
            return bracketed with { Path = DatastorePathArgument.Relative(isoPath, bracketed.Datastore, "iso_path") };
        }
        var store = string.IsNullOrWhiteSpace(datastore)
            ? DatastorePath.TryParse(vm.Content.GetString(HomePath), out var home) ? home.Datastore : null
            : datastore.Trim();
        if (string.IsNullOrWhiteSpace(store))
        {
            throw ToolException.InvalidArgument("datastore",
                $"iso_path '{isoPath}' does not say which datastore holds it and vSphere reports no datastore for '{vm.Name}': write \"[datastore] {isoPath.Trim().TrimStart('/')}\" or pass datastore.");
        }
        return new DatastorePath(store, DatastorePathArgument.Inside(isoPath, "iso_path"));
    }

    /// <summary>A new CD/DVD drive on the first IDE controller (by bus) with a free unit.</summary>
    private static VirtualCdrom NewDriveOnIde(string vmName, IReadOnlyList<VirtualDevice> devices, VirtualCdromIsoBackingInfo iso, VirtualDeviceConnectInfo connection)
    {
        foreach (var controller in devices.OfType<VirtualIDEController>().OrderBy(controller => controller.BusNumber))
        {
            var used = devices.Where(device => device.ControllerKey == controller.Key).Select(device => device.UnitNumber).ToHashSet();
            if (Enumerable.Range(0, VirtualIDEController.UnitCount).Where(unit => !used.Contains(unit)).Select(unit => (int?)unit).FirstOrDefault() is { } free)
            {
                return new VirtualCdrom { Key = -1, ControllerKey = controller.Key, UnitNumber = free, Backing = iso, Connectable = connection };
            }
        }
        throw ToolException.Refused($"VM '{vmName}' has no CD/DVD drive and no free IDE slot to add one (each IDE controller takes " +
            $"{VirtualIDEController.UnitCount} devices). Remove a device from an IDE controller first.");
    }

    private static IReadOnlyList<CdromDrive> Drives(IReadOnlyList<VirtualDevice> devices) =>
        devices.OfType<VirtualCdrom>().Select(drive => new CdromDrive(
            drive.Label(),
            (drive.Backing as VirtualCdromIsoBackingInfo)?.FileName,
            drive.Backing switch
            {
                VirtualCdromIsoBackingInfo => "iso",
                VirtualCdromRemotePassthroughBackingInfo => "client_device",
                VirtualCdromAtapiBackingInfo => "host_device",
                OtherBackingInfo other => other.Raw.TypeName,
                _ => null,
            },
            drive.Connectable?.Connected ?? false,
            drive.Connectable?.StartConnected ?? false)).ToArray();
}

/// <summary>A CD/DVD drive of a VM.</summary>
/// <param name="Label">The label vSphere shows, e.g. "CD/DVD drive 1".</param>
/// <param name="IsoPath">The ISO inserted, e.g. "[LocalDS_0] iso/ubuntu.iso"; null when none is.</param>
/// <param name="Backing">"iso", "client_device" (empty or the client's drive) or "host_device".</param>
/// <param name="Connected">Connected now (only while the VM is powered on).</param>
/// <param name="StartConnected">Connects when the VM powers on.</param>
public sealed record CdromDrive(string Label, string? IsoPath, string? Backing, bool Connected, bool StartConnected);

/// <summary>The result of attach_iso and detach_iso: the VM's CD/DVD drives after the change.</summary>
public sealed record CdromDrives(string Vm, string PowerState, IReadOnlyList<CdromDrive> Drives);
