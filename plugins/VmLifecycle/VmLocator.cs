using McVSphere.Sdk.Errors;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.VmLifecycle;

/// <summary>
/// A VM (or template) found by name, with the properties the lifecycle and device tools act on, read together
/// right after the lookup.
/// </summary>
/// <param name="Inventory">The VM as the lookup found it: reference, name and inventory path.</param>
/// <param name="Content">Its properties (<see cref="VmLocator.Paths"/>).</param>
internal sealed record LocatedVm(InventoryObject Inventory, ObjectContent Content)
{
    public ManagedObjectReference Ref => Inventory.Ref;

    public string Name => Inventory.Name;

    /// <summary>The vSphere power state: <c>poweredOn</c>, <c>poweredOff</c> or <c>suspended</c>.</summary>
    public string PowerState => Content.GetString("runtime.powerState") ?? "unknown";

    public bool IsPoweredOn => PowerState == PowerStates.PoweredOn;

    public bool IsTemplate => Content.GetBoolean("config.template") == true;

    /// <summary>The VM's virtual devices (<c>config.hardware.device</c>).</summary>
    public IReadOnlyList<VirtualDevice> Devices => VirtualDevice.ListFrom(Content["config.hardware.device"]);

    /// <summary>The configuration version, to make a reconfiguration fail if someone else changed the VM meanwhile.</summary>
    public string? ChangeVersion => Content.GetString("config.changeVersion");

    /// <summary>The snapshot tree; null when the VM has no snapshot.</summary>
    public VirtualMachineSnapshotInfo? Snapshots => VirtualMachineSnapshotInfo.From(Content["snapshot"]);

    public ManagedObjectReference? Host => Content.GetReference("runtime.host");

    /// <summary>The VM's resource pool; null for a template.</summary>
    public ManagedObjectReference? ResourcePool => Content.GetReference("resourcePool");

    /// <summary>The folder the VM is in.</summary>
    public ManagedObjectReference? Folder => Content.GetReference("parent");

    /// <summary>The datastores holding the VM's files.</summary>
    public IReadOnlyList<ManagedObjectReference> Datastores => Content.GetReferences("datastore");

    /// <summary>The networks its adapters use.</summary>
    public IReadOnlyList<ManagedObjectReference> Networks => Content.GetReferences("network");

    /// <summary>Refuses a template where a VM is needed (vSphere cannot power on or reconfigure a template).</summary>
    /// <param name="argument">The tool argument that named it.</param>
    public LocatedVm RequireNotTemplate(string argument) => IsTemplate
        ? throw ToolException.InvalidArgument(argument,
            $"'{Name}' is a template, not a VM: convert_to_vm turns it back into a VM, deploy_from_template makes a new VM from it.")
        : this;
}

/// <summary>The values of <c>VirtualMachinePowerState</c>, as vSphere spells them and tools report them.</summary>
internal static class PowerStates
{
    public const string PoweredOn = "poweredOn";
    public const string PoweredOff = "poweredOff";
    public const string Suspended = "suspended";
}

/// <summary>
/// Finding VMs and templates by name for the VmLifecycle tools: one lookup (a bulk read of names), then one read of
/// the found VM's properties, whatever the size of the inventory. Not-found and ambiguous names surface as the
/// client's exceptions, which list the closest names or the candidates' paths.
/// </summary>
internal static class VmLocator
{
    /// <summary>The properties read with every VM found.</summary>
    public static readonly IReadOnlyList<string> Paths =
    [
        "runtime.powerState", "config.template", "config.hardware.device", "config.changeVersion", "snapshot",
        "runtime.host", "resourcePool", "parent", "datastore", "network",
    ];

    /// <summary>Finds a VM or template by name or inventory path and reads its properties.</summary>
    /// <param name="argument">The tool argument that named it, for the error when it is empty.</param>
    public static Task<LocatedVm> FindVmAsync(this VSphereClient client, string name, string argument, CancellationToken cancellationToken) =>
        FindAsync(client, VSphereObjectKind.VirtualMachine, name, argument, [], cancellationToken);

    /// <summary>Finds a VM or template and reads its properties plus <paramref name="extraPaths"/>, in the same read.</summary>
    public static Task<LocatedVm> FindVmAsync(this VSphereClient client, string name, string argument, IReadOnlyList<string> extraPaths,
        CancellationToken cancellationToken) =>
        FindAsync(client, VSphereObjectKind.VirtualMachine, name, argument, extraPaths, cancellationToken);

    /// <summary>Finds a template (only templates match) by name or inventory path and reads its properties.</summary>
    public static Task<LocatedVm> FindTemplateAsync(this VSphereClient client, string name, string argument, CancellationToken cancellationToken) =>
        FindAsync(client, VSphereObjectKind.Template, name, argument, [], cancellationToken);

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

    private static async Task<LocatedVm> FindAsync(VSphereClient client, VSphereObjectKind kind, string name, string argument,
        IReadOnlyList<string> extraPaths, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw ToolException.InvalidArgument(argument, $"{argument} is required: give the name or inventory path of a {kind.DisplayName()}.");
        }
        var vm = await client.Lookup.FindAsync(kind, name, cancellationToken).ConfigureAwait(false);
        var content = await client.Properties.RetrieveAsync(vm.Ref, extraPaths.Count == 0 ? Paths : [.. Paths, .. extraPaths], cancellationToken)
            .ConfigureAwait(false);
        return new LocatedVm(vm, content);
    }
}
