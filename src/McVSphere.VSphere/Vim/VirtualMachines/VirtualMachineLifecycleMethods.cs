using McVSphere.VSphere.Tasks;

namespace McVSphere.VSphere.Vim;

/// <summary>
/// Typed calls of the VirtualMachine and VirtualMachineSnapshot methods not in <see cref="VirtualMachineMethods"/>:
/// guest standby, reverting to the current snapshot, renaming a snapshot, and migration with a priority.
/// </summary>
public static class VirtualMachineLifecycleMethods
{
    /// <summary>Asks the guest OS to go to standby, through VMware Tools (StandbyGuest); returns at once.</summary>
    public static Task StandbyGuestAsync(this VSphereClient client, ManagedObjectReference vm, CancellationToken cancellationToken = default) =>
        client.InvokeAsync("StandbyGuest", vm, null, cancellationToken);

    /// <summary>Reverts the VM to its current snapshot (RevertToCurrentSnapshot_Task).</summary>
    public static Task RevertToCurrentSnapshotAsync(this VSphereClient client, ManagedObjectReference vm, bool? suppressPowerOn = null,
        IProgress<VSphereTaskProgress>? progress = null, CancellationToken cancellationToken = default) =>
        client.InvokeTaskAsync("RevertToCurrentSnapshot_Task", vm, [new VimArgument("suppressPowerOn", suppressPowerOn)],
            progress, cancellationToken: cancellationToken);

    /// <summary>Renames a snapshot or changes its description (VirtualMachineSnapshot.RenameSnapshot); null leaves a field as it is.</summary>
    public static Task RenameSnapshotAsync(this VSphereClient client, ManagedObjectReference snapshot, string? name, string? description,
        CancellationToken cancellationToken = default) =>
        client.InvokeAsync("RenameSnapshot", snapshot, [new VimArgument("name", name), new VimArgument("description", description)], cancellationToken);

    /// <summary>
    /// Moves a VM to another resource pool and/or host (MigrateVM_Task); an unset pool keeps the VM's own, an unset
    /// host lets vCenter choose (standalone host or DRS).
    /// </summary>
    public static Task MigrateVmAsync(this VSphereClient client, ManagedObjectReference vm, ManagedObjectReference? pool,
        ManagedObjectReference? host, VirtualMachineMovePriority priority = VirtualMachineMovePriority.DefaultPriority,
        IProgress<VSphereTaskProgress>? progress = null, CancellationToken cancellationToken = default) =>
        client.InvokeTaskAsync("MigrateVM_Task", vm,
            [new VimArgument("pool", pool), new VimArgument("host", host), new VimArgument("priority", VimEnum<VirtualMachineMovePriority>.ToWire(priority))],
            progress, cancellationToken: cancellationToken);

    /// <summary>Moves a VM to another host, pool, datastore or folder (RelocateVM_Task) with a migration priority.</summary>
    public static Task RelocateVmAsync(this VSphereClient client, ManagedObjectReference vm, VirtualMachineRelocateSpec spec,
        VirtualMachineMovePriority priority, IProgress<VSphereTaskProgress>? progress = null, CancellationToken cancellationToken = default) =>
        client.InvokeTaskAsync("RelocateVM_Task", vm,
            [new VimArgument("spec", spec), new VimArgument("priority", VimEnum<VirtualMachineMovePriority>.ToWire(priority))],
            progress, cancellationToken: cancellationToken);
}
