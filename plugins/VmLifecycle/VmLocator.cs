using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.VmLifecycle;

/// <summary>
/// What a lifecycle or device tool reads of the VM it was given, besides its power state and template flag: each tool
/// asks for what it uses (a power operation does not read every device).
/// </summary>
[Flags]
internal enum VmReads
{
    /// <summary>The power state and template flag only.</summary>
    State = 0,
    /// <summary>The virtual devices and the configuration version.</summary>
    Devices = 1,
    /// <summary>The snapshot tree.</summary>
    Snapshots = 2,
    /// <summary>Where the VM is: host, resource pool, folder, datastores, networks.</summary>
    Placement = 4,
}

/// <summary>
/// A VM (or template) found by name, with the properties its tool asked for (<see cref="VmReads"/>), read together
/// right after the lookup. Reading a property the tool did not ask for is a programming error, reported as such.
/// </summary>
/// <param name="Found">The VM and the properties read.</param>
/// <param name="Reads">What was read beside the state.</param>
internal sealed record LocatedVm(FoundVm Found, VmReads Reads)
{
    public InventoryObject Inventory => Found.Inventory;

    public ObjectContent Content => Found.Content;

    public ManagedObjectReference Ref => Inventory.Ref;

    public string Name => Inventory.Name;

    /// <summary>The vSphere power state: <c>poweredOn</c>, <c>poweredOff</c> or <c>suspended</c>.</summary>
    public string PowerState => Content.GetString("runtime.powerState") ?? "unknown";

    public bool IsPoweredOn => PowerState == PowerStates.PoweredOn;

    public bool IsTemplate => Content.GetBoolean("config.template") == true;

    /// <summary>The VM's virtual devices (<c>config.hardware.device</c>).</summary>
    public IReadOnlyList<VirtualDevice> Devices => VirtualDevice.ListFrom(Read(VmReads.Devices)["config.hardware.device"]);

    /// <summary>The configuration version, to make a reconfiguration fail if someone else changed the VM meanwhile.</summary>
    public string? ChangeVersion => Read(VmReads.Devices).GetString("config.changeVersion");

    /// <summary>The snapshot tree; null when the VM has no snapshot.</summary>
    public VirtualMachineSnapshotInfo? Snapshots => VirtualMachineSnapshotInfo.From(Read(VmReads.Snapshots)["snapshot"]);

    public ManagedObjectReference? Host => Read(VmReads.Placement).GetReference("runtime.host");

    /// <summary>The VM's resource pool; null for a template.</summary>
    public ManagedObjectReference? ResourcePool => Read(VmReads.Placement).GetReference("resourcePool");

    /// <summary>The folder the VM is in.</summary>
    public ManagedObjectReference? Folder => Read(VmReads.Placement).GetReference("parent");

    /// <summary>The datastores holding the VM's files.</summary>
    public IReadOnlyList<ManagedObjectReference> Datastores => Read(VmReads.Placement).GetReferences("datastore");

    /// <summary>The networks its adapters use.</summary>
    public IReadOnlyList<ManagedObjectReference> Networks => Read(VmReads.Placement).GetReferences("network");

    /// <summary>Refuses a template where a VM is needed (vSphere cannot power on or reconfigure a template).</summary>
    /// <param name="argument">The tool argument that named it.</param>
    public LocatedVm RequireNotTemplate(string argument) => IsTemplate
        ? throw ToolException.InvalidArgument(argument,
            $"'{Name}' is a template, not a VM: convert_to_vm turns it back into a VM, deploy_from_template makes a new VM from it.")
        : this;

    private ObjectContent Read(VmReads needed) => Reads.HasFlag(needed)
        ? Content
        : throw new InvalidOperationException($"The VM's {needed} properties were not read: pass VmReads.{needed} to FindVmAsync.");
}

/// <summary>The values of <c>VirtualMachinePowerState</c>, as vSphere spells them and tools report them.</summary>
internal static class PowerStates
{
    public const string PoweredOn = "poweredOn";
    public const string PoweredOff = "poweredOff";
    public const string Suspended = "suspended";
}

/// <summary>
/// Finding VMs and templates by name for the VmLifecycle tools, through the Sdk's <see cref="VmFinder"/>: one lookup,
/// then one read of the properties the tool asked for, whatever the size of the inventory.
/// </summary>
internal static class VmLocator
{
    /// <summary>Finds a VM or template by name or inventory path and reads what <paramref name="reads"/> names, plus <paramref name="extraPaths"/>.</summary>
    /// <param name="argument">The tool argument that named it, for the error when it is empty.</param>
    public static async Task<LocatedVm> FindVmAsync(this VSphereClient client, string name, string argument, VmReads reads, IReadOnlyList<string> extraPaths,
        CancellationToken cancellationToken) =>
        new(await VmFinder.FindAsync(client, VSphereObjectKind.VirtualMachine, name, argument, [.. PathsOf(reads), .. extraPaths], cancellationToken)
            .ConfigureAwait(false), reads);

    /// <summary>Finds a VM or template by name or inventory path and reads what <paramref name="reads"/> names.</summary>
    public static Task<LocatedVm> FindVmAsync(this VSphereClient client, string name, string argument, VmReads reads, CancellationToken cancellationToken) =>
        client.FindVmAsync(name, argument, reads, [], cancellationToken);

    /// <summary>Finds a template (only templates match) by name or inventory path and reads what <paramref name="reads"/> names.</summary>
    public static async Task<LocatedVm> FindTemplateAsync(this VSphereClient client, string name, string argument, VmReads reads,
        CancellationToken cancellationToken) =>
        new(await VmFinder.FindAsync(client, VSphereObjectKind.Template, name, argument, PathsOf(reads), cancellationToken).ConfigureAwait(false), reads);

    private static IReadOnlyList<string> PathsOf(VmReads reads)
    {
        List<string> paths = ["runtime.powerState", "config.template"];
        if (reads.HasFlag(VmReads.Devices))
        {
            paths.AddRange(["config.hardware.device", "config.changeVersion"]);
        }
        if (reads.HasFlag(VmReads.Snapshots))
        {
            paths.Add("snapshot");
        }
        if (reads.HasFlag(VmReads.Placement))
        {
            paths.AddRange(["runtime.host", "resourcePool", "parent", "datastore", "network"]);
        }
        return paths;
    }

    /// <summary>
    /// Refuses a name that a VM or template already has (vCenter refuses duplicates only within a folder, and the
    /// simulator not at all; a second VM of the same name makes every later lookup by name ambiguous). One bulk read.
    /// </summary>
    public static async Task EnsureVmNameIsFreeAsync(this VSphereClient client, string name, string argument, CancellationToken cancellationToken)
    {
        RequireName(name, argument);
        var vms = await client.Lookup.ListAsync(VSphereObjectKind.VirtualMachine, cancellationToken).ConfigureAwait(false);
        if (vms.FirstOrDefault(vm => string.Equals(vm.Name, name, StringComparison.Ordinal)) is { } existing)
        {
            throw ToolException.InvalidArgument(argument, $"A VM or template named '{name}' already exists ('{existing.Path}'). Choose another {argument}.");
        }
    }

    /// <summary>
    /// Checks a name for a new VM, folder or pool: not blank, at most 80 characters (vCenter's limit), and no '/'
    /// (which inventory paths use as the separator).
    /// </summary>
    public static void RequireName(string? name, string argument)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw ToolException.InvalidArgument(argument, $"{argument} is required and must not be blank.");
        }
        if (name.Length > MaxNameLength)
        {
            throw ToolException.InvalidArgument(argument, $"{argument} is {name.Length} characters long; vSphere allows at most {MaxNameLength}.");
        }
        if (name.Contains('/', StringComparison.Ordinal))
        {
            throw ToolException.InvalidArgument(argument, $"{argument} '{name}' contains '/', which separates the parts of inventory paths; choose a name without it.");
        }
    }

    /// <summary>vCenter's limit on the length of an inventory object's name.</summary>
    public const int MaxNameLength = 80;
}
