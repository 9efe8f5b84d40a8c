using System.ComponentModel;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Progress;
using McVSphere.Sdk.Safety;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.VmLifecycle;

/// <summary>Creating, cloning, deleting, reconfiguring and renaming VMs.</summary>
[McpServerToolType]
public sealed class VmTools(IVSphereSession session)
{
    /// <summary>vSphere 8's most virtual CPUs per VM.</summary>
    private const int MaxCpus = 768;

    /// <summary>vSphere 8's most memory per VM: 24 TB.</summary>
    private const long MaxMemoryMb = 24L * 1024 * 1024;

    /// <summary>vSphere's largest virtual disk: 62 TB.</summary>
    private const int MaxDiskGb = 62 * 1024;

    private const long KbPerGb = 1024 * 1024;

    /// <summary>The description of host_name on the tools that place a VM.</summary>
    internal const string HostNameDescription = "Host to run the VM on (name or path), in the cluster it goes to; default: vSphere's choice " +
        "with DRS, else a connected host outside maintenance mode that mounts the datastore and reaches the networks.";

    [McpServerTool(Name = "create_vm", UseStructuredContent = true)]
    [Description("Creates a powered-off VM with a paravirtual SCSI controller, one thin-provisioned disk and one VMXNET3 network adapter. " +
        "Placement: the configured cluster, else host_name's cluster or host, else the first cluster or host; datastore: the one given, " +
        "else the configured one, else the one with the most free space; network: the one given, else the configured one, else " +
        "\"VM Network\", else the first. In a cluster without DRS the VM goes to host_name, else to a connected host outside maintenance " +
        "mode that mounts the datastore and reaches the network. Refuses a name another VM already has.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("create VM '{name}'")]
    public async Task<CreatedVm> CreateVm(
        [Description("Name of the new VM (unique, at most 80 characters, no '/').")] string name,
        IProgress<ProgressNotificationValue> progress,
        [Description("Virtual CPUs (1-768).")] int cpu = 2,
        [Description("Memory in MB (a multiple of 4).")] long memory_mb = 4096,
        [Description("Size of the disk in GB.")] int disk_gb = 20,
        [Description("Datastore for the VM's files and disk; default: configured, else the one with the most free space.")] string? datastore = null,
        [Description("Network for the adapter; default: configured, else \"VM Network\", else the first.")] string? network = null,
        [Description("Guest OS identifier, e.g. otherGuest64, ubuntu64Guest, windows2019srv_64Guest.")] string guest_id = "otherGuest64",
        [Description(HostNameDescription)] string? host_name = null,
        CancellationToken cancellationToken = default)
    {
        VmLocator.RequireName(name, nameof(name));
        RequireCpu(cpu);
        RequireMemory(memory_mb);
        if (disk_gb is < 1 or > MaxDiskGb)
        {
            throw ToolException.InvalidArgument(nameof(disk_gb), $"disk_gb must be between 1 and {MaxDiskGb} (62 TB); got {disk_gb}.");
        }
        if (string.IsNullOrWhiteSpace(guest_id))
        {
            throw ToolException.InvalidArgument(nameof(guest_id), "guest_id must not be blank; otherGuest64 fits any 64-bit OS.");
        }

        var client = session.Client;
        var nameCheck = client.EnsureVmNameIsFreeAsync(name, nameof(name), cancellationToken);
        var reading = VmPlacement.ReadAsync(session, cancellationToken);
        await Task.WhenAll(nameCheck, reading);
        var placement = await reading;
        var target = placement.ForNewVm(host_name);
        var targetDatastore = placement.ChooseDatastore(target, datastore, nameof(datastore));
        var targetNetwork = placement.ChooseNetwork(target, network, nameof(network));
        var host = placement.ChooseHost(target, [targetDatastore.Ref], [targetNetwork.Ref], host_name, nameof(host_name));
        var networkBacking = await client.GetEthernetCardBackingAsync(targetNetwork, cancellationToken);

        const int controllerKey = -100;
        var datastoreRoot = $"[{targetDatastore.Name}]";
        var config = new VirtualMachineConfigSpec
        {
            Name = name,
            GuestId = guest_id,
            NumCPUs = cpu,
            MemoryMB = memory_mb,
            Files = new VirtualMachineFileInfo { VmPathName = datastoreRoot },
            DeviceChange =
            [
                VirtualDeviceConfigSpec.Add(new ParaVirtualSCSIController { Key = controllerKey, BusNumber = 0 }),
                VirtualDeviceConfigSpec.Add(new VirtualDisk
                {
                    Key = -101,
                    ControllerKey = controllerKey,
                    UnitNumber = 0,
                    CapacityInKB = disk_gb * KbPerGb,
                    // A datastore alone lets vSphere name the file after the VM.
                    Backing = new VirtualDiskFlatVer2BackingInfo { FileName = datastoreRoot, DiskMode = "persistent", ThinProvisioned = true },
                }, VirtualDeviceConfigSpecFileOperation.Create),
                VirtualDeviceConfigSpec.Add(new VirtualVmxnet3
                {
                    Key = -102,
                    Backing = networkBacking,
                    AddressType = "generated",
                    Connectable = new VirtualDeviceConnectInfo { StartConnected = true, AllowGuestControl = true },
                }),
            ],
        };
        var vm = await client.CreateVmAsync(target.VmFolder, config, target.RootPool, host?.Ref,
            progress.ForVSphereTask($"Creating {name}"), cancellationToken);

        var summary = VmSummary.ReadAsync(client, vm, cancellationToken);
        var devices = client.GetDevicesAsync(vm, cancellationToken);
        await Task.WhenAll(summary, devices);
        return new CreatedVm(await summary, target.Name, DescribeDisks(await devices), DescribeNics(await devices, await summary));
    }

    [McpServerTool(Name = "clone_vm", UseStructuredContent = true)]
    [Description("Clones a VM or template into a new VM in the same folder and resource pool (a template's copy goes to the configured " +
        "cluster, else its host's), on the given or configured datastore (else the source's), and powers it on when asked. In a cluster without DRS the clone goes " +
        "to host_name, else to the source's host or another usable one. Refuses a name another VM already has. " +
        "Reports the clone task's progress; cancelling the request cancels the clone.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("clone '{template_name}' into a new VM '{new_name}'")]
    public async Task<ClonedVm> CloneVm(
        [Description("Name or inventory path of the VM or template to clone.")] string template_name,
        [Description("Name of the new VM (unique, at most 80 characters, no '/').")] string new_name,
        IProgress<ProgressNotificationValue> progress,
        [Description("Power the new VM on once cloned.")] bool power_on = false,
        [Description("Datastore for the new VM; default: the configured one (VCENTER_DATASTORE), else the source's.")] string? datastore = null,
        [Description(HostNameDescription)] string? host_name = null,
        [Description(VSphereProgressExtensions.TimeoutArgumentDescription)] int? timeout_s = null,
        CancellationToken cancellationToken = default)
    {
        VmLocator.RequireName(new_name, nameof(new_name));
        var source = await session.Client.FindVmAsync(template_name, nameof(template_name), VmReads.Placement, cancellationToken);
        return await VmCloning.CloneAsync(session, source, new_name, nameof(new_name), CloneFolder.OfSource, datastore ?? session.Defaults.Datastore,
            host_name, power_on, progress, timeout_s, cancellationToken);
    }

    [McpServerTool(Name = "delete_vm", Destructive = true, UseStructuredContent = true)]
    [Description("Deletes a VM or template and its files from disk, for good. A powered-on VM is powered off first (as in the original " +
        "mcvsphere), behind the same confirmation; force=false refuses it instead.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("delete VM '{name}' and all its files from the datastore (powering it off first if it runs)", Destroys = true)]
    public async Task<DeletedVm> DeleteVm(
        [Description("Name or inventory path of the VM or template.")] string name,
        IProgress<ProgressNotificationValue> progress,
        [Description("Power a running VM off first (default true); false refuses a running VM.")] bool force = true,
        CancellationToken cancellationToken = default)
    {
        var client = session.Client;
        var vm = await client.FindVmAsync(name, nameof(name), VmReads.Devices | VmReads.Placement, cancellationToken);
        if (vm.IsPoweredOn)
        {
            if (!force)
            {
                throw ToolException.Refused(
                    $"'{vm.Name}' is powered on and force=false. Power it off first (shutdown_guest or power_off), or call delete_vm without force=false to power it off and delete it.",
                    nameof(force));
            }
            await client.PowerOffVmAsync(vm.Ref, cancellationToken: cancellationToken);
        }
        await client.DestroyAsync(vm.Ref, progress.ForVSphereTask($"Deleting {vm.Name}"), cancellationToken);
        if (await InventoryReads.ExistsAsync(client, vm.Ref, cancellationToken))
        {
            throw new VSphereException($"vSphere reported '{vm.Name}' deleted, but it still exists.");
        }
        return new DeletedVm(vm.Name, Deleted: true, PoweredOffFirst: vm.IsPoweredOn);
    }

    [McpServerTool(Name = "reconfigure_vm", Idempotent = true, UseStructuredContent = true)]
    [Description("Changes a VM's CPU count, memory and/or notes; parameters left out stay as they are. Changing CPU or memory of a running " +
        "VM needs CPU/memory hot-add enabled on it (vSphere refuses otherwise). Says so when nothing would change.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("change the CPUs, memory or notes of VM '{name}'")]
    public async Task<ReconfiguredVm> ReconfigureVm(
        [Description("Name or inventory path of the VM.")] string name,
        IProgress<ProgressNotificationValue> progress,
        [Description("Virtual CPUs (1-768).")] int? cpu = null,
        [Description("Memory in MB (a multiple of 4).")] long? memory_mb = null,
        [Description("Notes shown in vSphere (replaces the current ones; empty clears them).")] string? annotation = null,
        CancellationToken cancellationToken = default)
    {
        if (cpu is null && memory_mb is null && annotation is null)
        {
            throw ToolException.InvalidArgument(nameof(cpu), "Nothing to change: give cpu, memory_mb, annotation or several of them.");
        }
        if (cpu is { } cpus)
        {
            RequireCpu(cpus);
        }
        if (memory_mb is { } memory)
        {
            RequireMemory(memory);
        }

        var client = session.Client;
        var vm = (await client.FindVmAsync(name, nameof(name), VmReads.Devices | VmReads.Placement, ["config.hardware.numCPU", "config.hardware.memoryMB", "config.annotation"],
            cancellationToken)).RequireNotTemplate(nameof(name));
        var changes = new List<string>();
        var spec = new VirtualMachineConfigSpec { ChangeVersion = vm.ChangeVersion };
        if (cpu is not null && cpu != vm.Content.GetInt32("config.hardware.numCPU"))
        {
            spec = spec with { NumCPUs = cpu };
            changes.Add($"cpu: {vm.Content.GetInt32("config.hardware.numCPU")} -> {cpu}");
        }
        if (memory_mb is not null && memory_mb != vm.Content.GetInt64("config.hardware.memoryMB"))
        {
            spec = spec with { MemoryMB = memory_mb };
            changes.Add($"memory_mb: {vm.Content.GetInt64("config.hardware.memoryMB")} -> {memory_mb}");
        }
        if (annotation is not null && annotation != (vm.Content.GetString("config.annotation") ?? ""))
        {
            spec = spec with { Annotation = annotation };
            changes.Add("annotation");
        }
        if (changes.Count == 0)
        {
            return new ReconfiguredVm(await VmSummary.ReadAsync(client, vm.Ref, cancellationToken), [],
                $"'{vm.Name}' already has these settings; nothing was changed.", AlreadyInState: true);
        }
        await client.ReconfigureVmAsync(vm.Ref, spec, progress.ForVSphereTask($"Reconfiguring {vm.Name}"), cancellationToken: cancellationToken);
        return new ReconfiguredVm(await VmSummary.ReadAsync(client, vm.Ref, cancellationToken), changes, $"Reconfigured '{vm.Name}'.");
    }

    [McpServerTool(Name = "rename_vm", Idempotent = true, UseStructuredContent = true)]
    [Description("Renames a VM or template. Refuses a name another VM already has; says so when it already has the name.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("rename VM '{name}' to '{new_name}'")]
    public async Task<RenamedVm> RenameVm(
        [Description("Name or inventory path of the VM or template.")] string name,
        [Description("Its new name (unique, at most 80 characters, no '/').")] string new_name,
        IProgress<ProgressNotificationValue> progress,
        CancellationToken cancellationToken)
    {
        VmLocator.RequireName(new_name, nameof(new_name));
        var client = session.Client;
        var vm = await client.FindVmAsync(name, nameof(name), VmReads.Devices | VmReads.Placement, cancellationToken);
        if (vm.Name == new_name)
        {
            return new RenamedVm(vm.Name, await VmSummary.ReadAsync(client, vm.Ref, cancellationToken), AlreadyInState: true);
        }
        await client.EnsureVmNameIsFreeAsync(new_name, nameof(new_name), cancellationToken);
        await client.RenameAsync(vm.Ref, new_name, progress.ForVSphereTask($"Renaming {vm.Name}"), cancellationToken);
        return new RenamedVm(vm.Name, await VmSummary.ReadAsync(client, vm.Ref, cancellationToken));
    }

    private static void RequireCpu(int cpu)
    {
        if (cpu is < 1 or > MaxCpus)
        {
            throw ToolException.InvalidArgument(nameof(cpu), $"cpu must be between 1 and {MaxCpus}; got {cpu}.");
        }
    }

    private static void RequireMemory(long memoryMb)
    {
        if (memoryMb < 4 || memoryMb > MaxMemoryMb || memoryMb % 4 != 0)
        {
            throw ToolException.InvalidArgument("memory_mb", $"memory_mb must be a multiple of 4 between 4 and {MaxMemoryMb} (24 TB); got {memoryMb}.");
        }
    }

    private static IReadOnlyList<NewVmDisk> DescribeDisks(IReadOnlyList<VirtualDevice> devices) => devices.OfType<VirtualDisk>()
        .Select(disk => new NewVmDisk(
            disk.Label(),
            Math.Round((double)(disk.CapacityInBytes ?? disk.CapacityInKB * 1024) / (KbPerGb * 1024), 2),
            disk.FlatBacking?.ThinProvisioned ?? false,
            disk.FlatBacking?.FileName))
        .ToArray();

    private static IReadOnlyList<NewVmNic> DescribeNics(IReadOnlyList<VirtualDevice> devices, VmSummary vm) => devices.OfType<VirtualEthernetCard>()
        .Select(nic => new NewVmNic(
            nic.Label(),
            nic.GetType().Name,
            nic.MacAddress,
            // A standard port group is named in the backing; a distributed one only by key, and the VM has one network here.
            (nic.Backing as VirtualEthernetCardNetworkBackingInfo)?.DeviceName ?? vm.Networks.FirstOrDefault()))
        .ToArray();
}

/// <summary>The result of create_vm: the VM, its disks and adapters, as vSphere reports them.</summary>
/// <param name="Vm">The new VM.</param>
/// <param name="ComputeResource">The cluster or host it was placed on.</param>
/// <param name="Disks">Its disks.</param>
/// <param name="Nics">Its network adapters.</param>
public sealed record CreatedVm(VmSummary Vm, string ComputeResource, IReadOnlyList<NewVmDisk> Disks, IReadOnlyList<NewVmNic> Nics);

/// <summary>A disk of a new VM.</summary>
/// <param name="Label">e.g. "Hard disk 1".</param>
/// <param name="CapacityGb">Capacity in GB.</param>
/// <param name="ThinProvisioned">Whether it is thin provisioned.</param>
/// <param name="FileName">Its VMDK, e.g. "[LocalDS_0] web-01/web-01.vmdk".</param>
public sealed record NewVmDisk(string Label, double CapacityGb, bool ThinProvisioned, string? FileName);

/// <summary>A network adapter of a new VM.</summary>
/// <param name="Label">e.g. "Network adapter 1".</param>
/// <param name="Type">The vSphere device type, e.g. VirtualVmxnet3.</param>
/// <param name="MacAddress">The MAC address vSphere generated.</param>
/// <param name="Network">The network it connects to.</param>
public sealed record NewVmNic(string Label, string Type, string? MacAddress, string? Network);

/// <summary>The result of delete_vm.</summary>
/// <param name="Vm">The deleted VM's name.</param>
/// <param name="Deleted">True: vSphere no longer knows the VM.</param>
/// <param name="PoweredOffFirst">Whether it was running and powered off first (force).</param>
public sealed record DeletedVm(string Vm, bool Deleted, bool PoweredOffFirst);

/// <summary>The result of reconfigure_vm.</summary>
/// <param name="Vm">The VM as vSphere reports it after the change.</param>
/// <param name="Changes">What changed, e.g. "cpu: 2 -> 4".</param>
/// <param name="Message">What was done.</param>
/// <param name="AlreadyInState">True when the VM already had the asked settings.</param>
public sealed record ReconfiguredVm(VmSummary Vm, IReadOnlyList<string> Changes, string Message, bool AlreadyInState = false);

/// <summary>The result of rename_vm.</summary>
/// <param name="PreviousName">The name it had.</param>
/// <param name="Vm">The VM as vSphere reports it after the change.</param>
/// <param name="AlreadyInState">True when it already had the asked name.</param>
public sealed record RenamedVm(string PreviousName, VmSummary Vm, bool AlreadyInState = false);
