using McVSphere.Sdk.Progress;
using McVSphere.Sdk.Session;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;

namespace McVSphere.Plugins.VmLifecycle;

/// <summary>Cloning a VM or template into a new VM, shared by clone_vm and deploy_from_template.</summary>
internal static class VmCloning
{
    /// <summary>
    /// Clones <paramref name="source"/> as <paramref name="newName"/> into the source's folder and resource pool (for a
    /// template, see <see cref="Placement.PoolForCopyOfAsync"/>), on <paramref name="datastore"/> or the source's
    /// datastore, then powers the clone on when asked. The power-on is a call of its own rather than the clone spec's
    /// <c>powerOn</c>, which not every server honours (the simulator ignores it). Progress follows the clone task.
    /// </summary>
    public static async Task<ClonedVm> CloneAsync(IVSphereSession session, LocatedVm source, string newName, string newNameArgument,
        string? datastore, bool powerOn, IProgress<ProgressNotificationValue> progress, CancellationToken cancellationToken)
    {
        var client = session.Client;
        // Independent reads, run together.
        var nameCheck = client.EnsureVmNameIsFreeAsync(newName, newNameArgument, cancellationToken);
        var pool = Placement.PoolForCopyOfAsync(client, session.Defaults, source, cancellationToken);
        var targetDatastore = datastore is null
            ? Task.FromResult<ManagedObjectReference?>(null)
            : FindDatastoreAsync(datastore);
        var folder = source.Folder is { } parent
            ? Task.FromResult(parent)
            : Placement.VmFolderOfDatacenterOfAsync(client, source.Ref, cancellationToken);
        await Task.WhenAll(nameCheck, pool, targetDatastore, folder);

        var spec = new VirtualMachineCloneSpec
        {
            Location = new VirtualMachineRelocateSpec { Pool = await pool, Datastore = await targetDatastore },
        };
        var clone = await client.CloneVmAsync(source.Ref, await folder, newName, spec,
            progress.ForVSphereTask($"Cloning {source.Name} to {newName}"), cancellationToken);
        if (powerOn)
        {
            await client.PowerOnVmAsync(clone, cancellationToken: cancellationToken);
        }
        return new ClonedVm(source.Name, await VmSummary.ReadAsync(client, clone, cancellationToken));

        async Task<ManagedObjectReference?> FindDatastoreAsync(string name) =>
            (await client.Lookup.FindAsync(VSphereObjectKind.Datastore, name, cancellationToken)).Ref;
    }
}

/// <summary>The result of clone_vm and deploy_from_template: the new VM as vSphere reports it.</summary>
/// <param name="Source">The VM or template it was cloned from.</param>
/// <param name="Vm">The new VM.</param>
public sealed record ClonedVm(string Source, VmSummary Vm);
