namespace McVSphere.VSphere.Vim;

/// <summary>A VM's snapshots (<c>VirtualMachine.snapshot</c>): the tree and the current one.</summary>
/// <param name="CurrentSnapshot">The snapshot the VM runs from, if any.</param>
/// <param name="RootSnapshotList">The root snapshots, each with its children.</param>
public sealed record VirtualMachineSnapshotInfo(ManagedObjectReference? CurrentSnapshot, IReadOnlyList<VirtualMachineSnapshotTree> RootSnapshotList)
{
    /// <summary>Reads the <c>snapshot</c> property; null (no snapshots) gives null.</summary>
    public static VirtualMachineSnapshotInfo? From(VimValue? snapshot) => snapshot is VimObject info
        ? new VirtualMachineSnapshotInfo(info.GetReference("currentSnapshot"), VirtualMachineSnapshotTree.ListFrom(info["rootSnapshotList"]))
        : null;

    /// <summary>Every snapshot of the tree, depth first, parents before children.</summary>
    public IEnumerable<VirtualMachineSnapshotTree> Flatten() => RootSnapshotList.SelectMany(root => root.Flatten());
}

/// <summary>One snapshot and its children (<c>VirtualMachineSnapshotTree</c>).</summary>
/// <param name="Snapshot">The snapshot object.</param>
/// <param name="Vm">The VM.</param>
/// <param name="Name">Its name (not unique).</param>
/// <param name="Description">Its description.</param>
/// <param name="Id">Its id, unique within the VM.</param>
/// <param name="CreateTime">When it was taken.</param>
/// <param name="State">The VM's power state when it was taken.</param>
/// <param name="Quiesced">Whether the guest file system was quiesced.</param>
/// <param name="Children">Snapshots taken from it.</param>
public sealed record VirtualMachineSnapshotTree(
    ManagedObjectReference Snapshot,
    ManagedObjectReference? Vm,
    string Name,
    string Description,
    int Id,
    DateTimeOffset? CreateTime,
    VirtualMachinePowerState State,
    bool Quiesced,
    IReadOnlyList<VirtualMachineSnapshotTree> Children)
{
    /// <summary>This snapshot and its descendants, depth first.</summary>
    public IEnumerable<VirtualMachineSnapshotTree> Flatten() => Children.SelectMany(child => child.Flatten()).Prepend(this);

    internal static IReadOnlyList<VirtualMachineSnapshotTree> ListFrom(VimValue? trees) =>
        trees?.AsArray().OfType<VimObject>().Select(From).ToArray() ?? [];

    private static VirtualMachineSnapshotTree From(VimObject tree) => new(
        tree.GetReference("snapshot") ?? throw new FormatException("A snapshot tree node has no snapshot reference."),
        tree.GetReference("vm"),
        tree.GetString("name") ?? "",
        tree.GetString("description") ?? "",
        tree.GetInt32("id") ?? 0,
        tree.GetDateTime("createTime"),
        tree.GetEnum("state", VirtualMachinePowerState.Unknown) ?? VirtualMachinePowerState.Unknown,
        tree.GetBoolean("quiesced") ?? false,
        ListFrom(tree["childSnapshotList"]));
}
