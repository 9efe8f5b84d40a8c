using System.ComponentModel;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Progress;
using McVSphere.Sdk.Safety;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.VmLifecycle;

/// <summary>
/// Snapshots. Snapshot names need not be unique within a VM: a name shared by several snapshots is refused with their
/// paths (parent names joined by '/'), and a path names one of them.
/// </summary>
[McpServerToolType]
public sealed class SnapshotTools(IVSphereSession session)
{
    private const string VmDescription = "Name or inventory path of the VM.";
    private const string SnapshotDescription = "Name of the snapshot, or its path from the root of the snapshot tree (e.g. \"base/before-upgrade\") when names repeat.";

    [McpServerTool(Name = "list_snapshots", UseStructuredContent = true)]
    [Description("Lists a VM's snapshots as a tree (each with its children), marking the current one, i.e. the one the VM runs from.")]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<SnapshotList> ListSnapshots(
        [Description(VmDescription)] string name,
        CancellationToken cancellationToken = default)
    {
        var vm = await session.Client.FindVmAsync(name, nameof(name), VmReads.Snapshots, cancellationToken);
        return SnapshotList.From(vm.Name, vm.Snapshots);
    }

    [McpServerTool(Name = "create_snapshot", UseStructuredContent = true)]
    [Description("Takes a snapshot of a VM. With memory (the default) a running VM's memory is saved too, so a revert resumes it running; " +
        "quiesce=true asks VMware Tools to flush the guest's file systems first. Reports the task's progress.")]
    [RequiresPermission(PermissionLevel.PowerOps)]
    [Change("take snapshot '{snapshot_name}' of VM '{name}'")]
    public async Task<SnapshotTaken> CreateSnapshot(
        [Description(VmDescription)] string name,
        [Description("Name of the new snapshot.")] string snapshot_name,
        IProgress<ProgressNotificationValue> progress,
        [Description("A description of the snapshot.")] string? description = null,
        [Description("Include the memory of a running VM (default true, as in the vSphere Client; ignored for a VM that is not running).")] bool memory = true,
        [Description("Quiesce the guest file systems (needs VMware Tools running).")] bool quiesce = false,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(snapshot_name))
        {
            throw ToolException.InvalidArgument(nameof(snapshot_name), "snapshot_name is required and must not be blank.");
        }
        var client = session.Client;
        var vm = (await client.FindVmAsync(name, nameof(name), VmReads.Snapshots, cancellationToken)).RequireNotTemplate(nameof(name));
        var snapshot = await client.CreateSnapshotAsync(vm.Ref, snapshot_name, description ?? "", memory && vm.IsPoweredOn, quiesce,
            progress.ForVSphereTask($"Snapshotting {vm.Name}"), cancellationToken);
        var tree = await ReadTreeAsync(vm, cancellationToken);
        var taken = tree.Find(snapshot) ?? throw ToolException.NotSupported($"vSphere created the snapshot but '{vm.Name}' does not list it.");
        return new SnapshotTaken(vm.Name, taken, tree.Current?.Name);
    }

    [McpServerTool(Name = "revert_to_snapshot", Destructive = true, UseStructuredContent = true)]
    [Description("Reverts a VM to a snapshot: its disks, configuration and power state become the snapshot's, and what changed since is lost " +
        "(unless another snapshot holds it). Reports the task's progress.")]
    [RequiresPermission(PermissionLevel.PowerOps)]
    [Change("revert VM '{name}' to snapshot '{snapshot_name}', discarding its current state", Destroys = true)]
    public async Task<SnapshotReverted> RevertToSnapshot(
        [Description(VmDescription)] string name,
        [Description(SnapshotDescription)] string snapshot_name,
        IProgress<ProgressNotificationValue> progress,
        CancellationToken cancellationToken = default)
    {
        var client = session.Client;
        var vm = await client.FindVmAsync(name, nameof(name), VmReads.Snapshots, cancellationToken);
        var snapshot = SnapshotList.From(vm.Name, vm.Snapshots).Resolve(snapshot_name, nameof(snapshot_name));
        await client.RevertToSnapshotAsync(snapshot.Snapshot, progress: progress.ForVSphereTask($"Reverting {vm.Name} to {snapshot.Name}"),
            cancellationToken: cancellationToken);
        return await ReadRevertedAsync(vm, cancellationToken);
    }

    [McpServerTool(Name = "revert_to_current_snapshot", Destructive = true, UseStructuredContent = true)]
    [Description("Reverts a VM to its current snapshot (the one it runs from), discarding what changed since. Reports the task's progress.")]
    [RequiresPermission(PermissionLevel.PowerOps)]
    [Change("revert VM '{name}' to its current snapshot, discarding what changed since", Destroys = true)]
    public async Task<SnapshotReverted> RevertToCurrentSnapshot(
        [Description(VmDescription)] string name,
        IProgress<ProgressNotificationValue> progress,
        CancellationToken cancellationToken = default)
    {
        var client = session.Client;
        var vm = await client.FindVmAsync(name, nameof(name), VmReads.Snapshots, cancellationToken);
        if (vm.Snapshots?.CurrentSnapshot is null)
        {
            throw ToolException.Refused($"'{vm.Name}' has no current snapshot to revert to; create_snapshot takes one.", nameof(name));
        }
        await client.RevertToCurrentSnapshotAsync(vm.Ref, progress: progress.ForVSphereTask($"Reverting {vm.Name}"), cancellationToken: cancellationToken);
        return await ReadRevertedAsync(vm, cancellationToken);
    }

    [McpServerTool(Name = "delete_snapshot", Destructive = true, UseStructuredContent = true)]
    [Description("Deletes one snapshot, merging its changes into its child (the VM's disks are kept as they are now); remove_children=true " +
        "also deletes the snapshots taken from it. Reports the task's progress.")]
    [RequiresPermission(PermissionLevel.PowerOps)]
    [Change("delete snapshot '{snapshot_name}' of VM '{name}' (with the snapshots taken from it: {remove_children})", Destroys = true)]
    public async Task<SnapshotsDeleted> DeleteSnapshot(
        [Description(VmDescription)] string name,
        [Description(SnapshotDescription)] string snapshot_name,
        IProgress<ProgressNotificationValue> progress,
        [Description("Also delete the snapshots taken from this one.")] bool remove_children = false,
        CancellationToken cancellationToken = default)
    {
        var client = session.Client;
        var vm = await client.FindVmAsync(name, nameof(name), VmReads.Snapshots, cancellationToken);
        var before = SnapshotList.From(vm.Name, vm.Snapshots);
        var snapshot = before.Resolve(snapshot_name, nameof(snapshot_name));
        await client.RemoveSnapshotAsync(snapshot.Snapshot, remove_children,
            progress: progress.ForVSphereTask($"Deleting snapshot {snapshot.Name} of {vm.Name}"), cancellationToken: cancellationToken);
        return SnapshotsDeleted.Between(vm.Name, before, await ReadTreeAsync(vm, cancellationToken));
    }

    [McpServerTool(Name = "delete_all_snapshots", Destructive = true, Idempotent = true, UseStructuredContent = true)]
    [Description("Deletes every snapshot of a VM, merging them into its disks as they are now. Says so when it has none. Reports the task's progress.")]
    [RequiresPermission(PermissionLevel.PowerOps)]
    [Change("delete every snapshot of VM '{name}'", Destroys = true)]
    public async Task<SnapshotsDeleted> DeleteAllSnapshots(
        [Description(VmDescription)] string name,
        IProgress<ProgressNotificationValue> progress,
        CancellationToken cancellationToken = default)
    {
        var client = session.Client;
        var vm = await client.FindVmAsync(name, nameof(name), VmReads.Snapshots, cancellationToken);
        var before = SnapshotList.From(vm.Name, vm.Snapshots);
        if (before.Count == 0)
        {
            return new SnapshotsDeleted(vm.Name, [], 0, null, $"'{vm.Name}' has no snapshots; nothing was deleted.", AlreadyInState: true);
        }
        await client.RemoveAllSnapshotsAsync(vm.Ref, progress: progress.ForVSphereTask($"Deleting the snapshots of {vm.Name}"),
            cancellationToken: cancellationToken);
        return SnapshotsDeleted.Between(vm.Name, before, await ReadTreeAsync(vm, cancellationToken));
    }

    [McpServerTool(Name = "rename_snapshot", Idempotent = true, UseStructuredContent = true)]
    [Description("Renames a snapshot and/or changes its description; what is left out stays as it is.")]
    [RequiresPermission(PermissionLevel.PowerOps)]
    [Change("rename snapshot '{snapshot_name}' of VM '{name}'")]
    public async Task<SnapshotRenamed> RenameSnapshot(
        [Description(VmDescription)] string name,
        [Description(SnapshotDescription)] string snapshot_name,
        [Description("Its new name.")] string? new_name = null,
        [Description("Its new description.")] string? new_description = null,
        CancellationToken cancellationToken = default)
    {
        if (new_name is null && new_description is null)
        {
            throw ToolException.InvalidArgument(nameof(new_name), "Nothing to change: give new_name, new_description or both.");
        }
        if (new_name is not null && string.IsNullOrWhiteSpace(new_name))
        {
            throw ToolException.InvalidArgument(nameof(new_name), "new_name must not be blank; leave it out to keep the name.");
        }
        var client = session.Client;
        var vm = await client.FindVmAsync(name, nameof(name), VmReads.Snapshots, cancellationToken);
        var snapshot = SnapshotList.From(vm.Name, vm.Snapshots).Resolve(snapshot_name, nameof(snapshot_name));
        var previousName = snapshot.Name;
        if ((new_name ?? snapshot.Name) == snapshot.Name && (new_description ?? snapshot.Description) == snapshot.Description)
        {
            return new SnapshotRenamed(vm.Name, previousName, snapshot, AlreadyInState: true);
        }
        await client.RenameSnapshotAsync(snapshot.Snapshot, new_name, new_description, cancellationToken);
        var tree = await ReadTreeAsync(vm, cancellationToken);
        var renamed = tree.Find(snapshot.Snapshot) ?? throw ToolException.NotSupported($"'{vm.Name}' no longer lists the snapshot after renaming it.");
        return new SnapshotRenamed(vm.Name, previousName, renamed);
    }

    private async Task<SnapshotList> ReadTreeAsync(LocatedVm vm, CancellationToken cancellationToken) =>
        SnapshotList.From(vm.Name, await session.Client.GetSnapshotsAsync(vm.Ref, cancellationToken));

    private async Task<SnapshotReverted> ReadRevertedAsync(LocatedVm vm, CancellationToken cancellationToken)
    {
        var content = await session.Client.Properties.RetrieveAsync(vm.Ref, ["runtime.powerState", "snapshot"], cancellationToken);
        var tree = SnapshotList.From(vm.Name, VirtualMachineSnapshotInfo.From(content["snapshot"]));
        return new SnapshotReverted(vm.Name, tree.Current?.Name, tree.Current?.Path, content.GetString("runtime.powerState") ?? "unknown");
    }
}

/// <summary>One snapshot, with the snapshots taken from it.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Path">Its path from the root of the tree, names joined by '/'.</param>
/// <param name="Description">Its description.</param>
/// <param name="Id">Its id, unique within the VM.</param>
/// <param name="Created">When it was taken (the original's name).</param>
/// <param name="State">The VM's power state it holds; a revert restores it (<c>poweredOn</c> only with memory).</param>
/// <param name="Quiesced">Whether the guest file systems were quiesced.</param>
/// <param name="IsCurrent">Whether the VM runs from it.</param>
/// <param name="Children">Snapshots taken from it.</param>
public sealed record SnapshotNode(
    string Name,
    string Path,
    string Description,
    int Id,
    DateTimeOffset? Created,
    string State,
    bool Quiesced,
    bool IsCurrent,
    IReadOnlyList<SnapshotNode> Children)
{
    /// <summary>The snapshot object (internal: not part of the result).</summary>
    internal ManagedObjectReference Snapshot { get; private init; } = null!;

    internal static SnapshotNode From(VirtualMachineSnapshotTree node, ManagedObjectReference? current, string parentPath = "")
    {
        var path = parentPath.Length == 0 ? node.Name : $"{parentPath}/{node.Name}";
        return new SnapshotNode(node.Name, path, node.Description, node.Id, node.CreateTime, ToWire(node.State), node.Quiesced,
            node.Snapshot == current, node.Children.Select(child => From(child, current, path)).ToArray())
        {
            Snapshot = node.Snapshot,
        };
    }

    internal IEnumerable<SnapshotNode> Flatten() => Children.SelectMany(child => child.Flatten()).Prepend(this);

    private static string ToWire(VirtualMachinePowerState state) => state switch
    {
        VirtualMachinePowerState.PoweredOn => PowerStates.PoweredOn,
        VirtualMachinePowerState.PoweredOff => PowerStates.PoweredOff,
        VirtualMachinePowerState.Suspended => PowerStates.Suspended,
        _ => "unknown",
    };
}

/// <summary>The result of list_snapshots: a VM's snapshot tree.</summary>
/// <param name="Vm">The VM.</param>
/// <param name="Count">How many snapshots it has.</param>
/// <param name="CurrentSnapshot">The path of the snapshot it runs from, if any.</param>
/// <param name="Snapshots">The root snapshots, each with its children.</param>
public sealed record SnapshotList(string Vm, int Count, string? CurrentSnapshot, IReadOnlyList<SnapshotNode> Snapshots)
{
    internal SnapshotNode? Current => Flatten().FirstOrDefault(node => node.IsCurrent);

    internal static SnapshotList From(string vm, VirtualMachineSnapshotInfo? info)
    {
        var nodes = (info?.RootSnapshotList ?? []).Select(root => SnapshotNode.From(root, info?.CurrentSnapshot)).ToArray();
        var all = nodes.SelectMany(node => node.Flatten()).ToArray();
        return new SnapshotList(vm, all.Length, all.FirstOrDefault(node => node.IsCurrent)?.Path, nodes);
    }

    internal SnapshotNode? Find(ManagedObjectReference snapshot) => Flatten().FirstOrDefault(node => node.Snapshot == snapshot);

    /// <summary>The snapshot named, or at the path, <paramref name="nameOrPath"/> (exactly, else ignoring case).</summary>
    internal SnapshotNode Resolve(string nameOrPath, string argument)
    {
        var all = Flatten().ToArray();
        if (all.Length == 0)
        {
            throw new ToolException(ToolErrorKind.NotFound, $"'{Vm}' has no snapshots.", argument);
        }
        if (string.IsNullOrWhiteSpace(nameOrPath))
        {
            throw ToolException.InvalidArgument(argument, $"{argument} is required.", all.Select(node => node.Path).ToArray());
        }
        // A '/' makes it a path; a root snapshot's path is its name.
        var isPath = nameOrPath.Contains('/', StringComparison.Ordinal);
        foreach (var comparison in (StringComparison[])[StringComparison.Ordinal, StringComparison.OrdinalIgnoreCase])
        {
            var matches = isPath
                ? all.Where(node => string.Equals(node.Path, nameOrPath.Trim('/'), comparison)).ToArray()
                : all.Where(node => string.Equals(node.Name, nameOrPath, comparison)).ToArray();
            if (matches.Length == 1)
            {
                return matches[0];
            }
            if (matches.Length > 1)
            {
                throw new ToolException(ToolErrorKind.Ambiguous,
                    $"{matches.Length} snapshots of '{Vm}' are named '{nameOrPath}'; give the path of the one you mean.",
                    argument, matches.Select(node => node.Path).ToArray());
            }
        }
        throw new ToolException(ToolErrorKind.NotFound, $"'{Vm}' has no snapshot named '{nameOrPath}'.", argument, all.Select(node => node.Path).ToArray());
    }

    internal IEnumerable<SnapshotNode> Flatten() => Snapshots.SelectMany(node => node.Flatten());
}

/// <summary>The result of create_snapshot: the new snapshot as vSphere lists it.</summary>
/// <param name="Vm">The VM.</param>
/// <param name="Snapshot">The new snapshot.</param>
/// <param name="CurrentSnapshot">The name of the VM's current snapshot now.</param>
public sealed record SnapshotTaken(string Vm, SnapshotNode Snapshot, string? CurrentSnapshot);

/// <summary>The result of the reverts, read back from the VM.</summary>
/// <param name="Vm">The VM.</param>
/// <param name="CurrentSnapshot">The name of the snapshot the VM now runs from.</param>
/// <param name="CurrentSnapshotPath">Its path in the tree.</param>
/// <param name="PowerState">The VM's power state after the revert.</param>
public sealed record SnapshotReverted(string Vm, string? CurrentSnapshot, string? CurrentSnapshotPath, string PowerState);

/// <summary>The result of delete_snapshot and delete_all_snapshots.</summary>
/// <param name="Vm">The VM.</param>
/// <param name="Deleted">The paths (before the deletion) of the snapshots that are gone.</param>
/// <param name="Remaining">How many snapshots the VM has now.</param>
/// <param name="CurrentSnapshot">The path of its current snapshot now.</param>
/// <param name="Message">What was done.</param>
/// <param name="AlreadyInState">True when the VM had no snapshot to delete.</param>
public sealed record SnapshotsDeleted(string Vm, IReadOnlyList<string> Deleted, int Remaining, string? CurrentSnapshot, string Message,
    bool AlreadyInState = false)
{
    /// <summary>Compares the tree before and after (read back): what is gone, what remains.</summary>
    internal static SnapshotsDeleted Between(string vm, SnapshotList before, SnapshotList after)
    {
        var remaining = after.Flatten().Select(node => node.Id).ToHashSet();
        var deleted = before.Flatten().Where(node => !remaining.Contains(node.Id)).Select(node => node.Path).ToArray();
        return new SnapshotsDeleted(vm, deleted, after.Count, after.CurrentSnapshot, $"Deleted {deleted.Length} snapshot(s) of '{vm}'; {after.Count} remain.");
    }
}

/// <summary>The result of rename_snapshot.</summary>
/// <param name="Vm">The VM.</param>
/// <param name="PreviousName">The snapshot's name before.</param>
/// <param name="Snapshot">The snapshot as vSphere lists it now.</param>
/// <param name="AlreadyInState">True when it already had the asked name and description.</param>
public sealed record SnapshotRenamed(string Vm, string PreviousName, SnapshotNode Snapshot, bool AlreadyInState = false);
