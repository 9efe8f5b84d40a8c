using McVSphere.VSphere.Tasks;

namespace McVSphere.VSphere.Vim;

/// <summary>
/// Typed calls of VirtualMachine and VirtualMachineSnapshot methods. The <c>*_Task</c> ones wait for the task,
/// report its progress, cancel it when the token fires, and throw its fault (<see cref="VimFaultException"/>).
/// </summary>
public static class VirtualMachineMethods
{
    /// <summary>Powers a VM on (PowerOnVM_Task), optionally on a given host.</summary>
    public static Task PowerOnVmAsync(this VSphereClient client, ManagedObjectReference vm, ManagedObjectReference? host = null,
        IProgress<VSphereTaskProgress>? progress = null, CancellationToken cancellationToken = default) =>
        client.InvokeTaskAsync("PowerOnVM_Task", vm, [new VimArgument("host", host)], progress, cancellationToken: cancellationToken);

    /// <summary>Powers a VM off, hard (PowerOffVM_Task).</summary>
    public static Task PowerOffVmAsync(this VSphereClient client, ManagedObjectReference vm,
        IProgress<VSphereTaskProgress>? progress = null, CancellationToken cancellationToken = default) =>
        client.InvokeTaskAsync("PowerOffVM_Task", vm, null, progress, cancellationToken: cancellationToken);

    /// <summary>Resets a VM, hard (ResetVM_Task).</summary>
    public static Task ResetVmAsync(this VSphereClient client, ManagedObjectReference vm,
        IProgress<VSphereTaskProgress>? progress = null, CancellationToken cancellationToken = default) =>
        client.InvokeTaskAsync("ResetVM_Task", vm, null, progress, cancellationToken: cancellationToken);

    /// <summary>Suspends a VM (SuspendVM_Task).</summary>
    public static Task SuspendVmAsync(this VSphereClient client, ManagedObjectReference vm,
        IProgress<VSphereTaskProgress>? progress = null, CancellationToken cancellationToken = default) =>
        client.InvokeTaskAsync("SuspendVM_Task", vm, null, progress, cancellationToken: cancellationToken);

    /// <summary>Asks the guest OS to shut down, through VMware Tools (ShutdownGuest); returns at once.</summary>
    public static Task ShutdownGuestAsync(this VSphereClient client, ManagedObjectReference vm, CancellationToken cancellationToken = default) =>
        client.InvokeAsync("ShutdownGuest", vm, null, cancellationToken);

    /// <summary>Asks the guest OS to reboot, through VMware Tools (RebootGuest); returns at once.</summary>
    public static Task RebootGuestAsync(this VSphereClient client, ManagedObjectReference vm, CancellationToken cancellationToken = default) =>
        client.InvokeAsync("RebootGuest", vm, null, cancellationToken);

    /// <summary>
    /// Changes a VM's configuration (ReconfigVM_Task): CPUs, memory, devices, extraConfig... A question the VM asks
    /// meanwhile (a media change on a drive whose tray the guest locked) is answered by <paramref name="answerQuestion"/>,
    /// else reported at once (<see cref="VSphereVmQuestionException"/>).
    /// </summary>
    public static Task ReconfigureVmAsync(this VSphereClient client, ManagedObjectReference vm, VirtualMachineConfigSpec spec,
        IProgress<VSphereTaskProgress>? progress = null, Func<VirtualMachineQuestion, string?>? answerQuestion = null,
        CancellationToken cancellationToken = default) =>
        client.InvokeVmTaskAsync("ReconfigVM_Task", vm, [new VimArgument("spec", spec)], answerQuestion, progress, cancellationToken: cancellationToken);

    /// <summary>Answers the question a VM asks (AnswerVM) with the key of one of its choices.</summary>
    /// <exception cref="VimFaultException">ConcurrentAccess: the question was answered already, or is not the VM's; InvalidArgument: the question does not offer the choice.</exception>
    public static Task AnswerVmAsync(this VSphereClient client, ManagedObjectReference vm, string questionId, string answerChoice,
        CancellationToken cancellationToken = default) =>
        client.InvokeAsync("AnswerVM", vm, [new VimArgument("questionId", questionId), new VimArgument("answerChoice", answerChoice)], cancellationToken);

    /// <summary>Takes a snapshot (CreateSnapshot_Task) and returns it.</summary>
    public static async Task<ManagedObjectReference> CreateSnapshotAsync(this VSphereClient client, ManagedObjectReference vm, string name,
        string? description = null, bool memory = false, bool quiesce = false,
        IProgress<VSphereTaskProgress>? progress = null, CancellationToken cancellationToken = default) =>
        RequireReference(await client.InvokeTaskAsync("CreateSnapshot_Task", vm,
            [new VimArgument("name", name), new VimArgument("description", description), new VimArgument("memory", memory), new VimArgument("quiesce", quiesce)],
            progress, cancellationToken: cancellationToken).ConfigureAwait(false), "CreateSnapshot_Task");

    /// <summary>Reverts the VM to a snapshot (RevertToSnapshot_Task).</summary>
    public static Task RevertToSnapshotAsync(this VSphereClient client, ManagedObjectReference snapshot, bool? suppressPowerOn = null,
        IProgress<VSphereTaskProgress>? progress = null, CancellationToken cancellationToken = default) =>
        client.InvokeTaskAsync("RevertToSnapshot_Task", snapshot, [new VimArgument("suppressPowerOn", suppressPowerOn)], progress, cancellationToken: cancellationToken);

    /// <summary>Deletes a snapshot (RemoveSnapshot_Task), and its children when asked.</summary>
    public static Task RemoveSnapshotAsync(this VSphereClient client, ManagedObjectReference snapshot, bool removeChildren = false, bool? consolidate = null,
        IProgress<VSphereTaskProgress>? progress = null, CancellationToken cancellationToken = default) =>
        client.InvokeTaskAsync("RemoveSnapshot_Task", snapshot,
            [new VimArgument("removeChildren", removeChildren), new VimArgument("consolidate", consolidate)], progress, cancellationToken: cancellationToken);

    /// <summary>Deletes all snapshots of a VM (RemoveAllSnapshots_Task).</summary>
    public static Task RemoveAllSnapshotsAsync(this VSphereClient client, ManagedObjectReference vm, bool? consolidate = null,
        IProgress<VSphereTaskProgress>? progress = null, CancellationToken cancellationToken = default) =>
        client.InvokeTaskAsync("RemoveAllSnapshots_Task", vm, [new VimArgument("consolidate", consolidate)], progress, cancellationToken: cancellationToken);

    /// <summary>Clones a VM or template into a folder (CloneVM_Task) and returns the clone.</summary>
    public static async Task<ManagedObjectReference> CloneVmAsync(this VSphereClient client, ManagedObjectReference vm, ManagedObjectReference folder,
        string name, VirtualMachineCloneSpec spec, IProgress<VSphereTaskProgress>? progress = null, CancellationToken cancellationToken = default) =>
        RequireReference(await client.InvokeTaskAsync("CloneVM_Task", vm,
            [new VimArgument("folder", folder), new VimArgument("name", name), new VimArgument("spec", spec)],
            progress, cancellationToken: cancellationToken).ConfigureAwait(false), "CloneVM_Task");

    /// <summary>Moves a VM to another host, pool, datastore or folder (RelocateVM_Task).</summary>
    public static Task RelocateVmAsync(this VSphereClient client, ManagedObjectReference vm, VirtualMachineRelocateSpec spec,
        IProgress<VSphereTaskProgress>? progress = null, CancellationToken cancellationToken = default) =>
        client.InvokeTaskAsync("RelocateVM_Task", vm, [new VimArgument("spec", spec)], progress, cancellationToken: cancellationToken);

    /// <summary>Creates a VM in a folder (CreateVM_Task) and returns it.</summary>
    public static async Task<ManagedObjectReference> CreateVmAsync(this VSphereClient client, ManagedObjectReference folder, VirtualMachineConfigSpec config,
        ManagedObjectReference pool, ManagedObjectReference? host = null, IProgress<VSphereTaskProgress>? progress = null, CancellationToken cancellationToken = default) =>
        RequireReference(await client.InvokeTaskAsync("CreateVM_Task", folder,
            [new VimArgument("config", config), new VimArgument("pool", pool), new VimArgument("host", host)],
            progress, cancellationToken: cancellationToken).ConfigureAwait(false), "CreateVM_Task");

    /// <summary>Marks a powered-off VM as a template (MarkAsTemplate).</summary>
    public static Task MarkAsTemplateAsync(this VSphereClient client, ManagedObjectReference vm, CancellationToken cancellationToken = default) =>
        client.InvokeAsync("MarkAsTemplate", vm, null, cancellationToken);

    /// <summary>Turns a template back into a VM in a pool (MarkAsVirtualMachine).</summary>
    public static Task MarkAsVirtualMachineAsync(this VSphereClient client, ManagedObjectReference template, ManagedObjectReference pool,
        ManagedObjectReference? host = null, CancellationToken cancellationToken = default) =>
        client.InvokeAsync("MarkAsVirtualMachine", template, [new VimArgument("pool", pool), new VimArgument("host", host)], cancellationToken);

    /// <summary>Reads a VM's virtual devices (<c>config.hardware.device</c>).</summary>
    public static async Task<IReadOnlyList<VirtualDevice>> GetDevicesAsync(this VSphereClient client, ManagedObjectReference vm,
        CancellationToken cancellationToken = default)
    {
        var content = await client.Properties.RetrieveAsync(vm, ["config.hardware.device"], cancellationToken).ConfigureAwait(false);
        return VirtualDevice.ListFrom(content["config.hardware.device"]);
    }

    /// <summary>Reads a VM's snapshot tree; null when it has none.</summary>
    public static async Task<VirtualMachineSnapshotInfo?> GetSnapshotsAsync(this VSphereClient client, ManagedObjectReference vm,
        CancellationToken cancellationToken = default)
    {
        var content = await client.Properties.RetrieveAsync(vm, ["snapshot"], cancellationToken).ConfigureAwait(false);
        return VirtualMachineSnapshotInfo.From(content["snapshot"]);
    }

    internal static ManagedObjectReference RequireReference(VimValue? result, string method) =>
        result as ManagedObjectReference ?? throw new VSphereException($"{method} succeeded but returned no object reference.");
}
