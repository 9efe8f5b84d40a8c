using McVSphere.Sdk.Progress;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;

namespace McVSphere.Plugins.VmLifecycle;

/// <summary>Cloning a VM or template into a new VM, shared by clone_vm and deploy_from_template.</summary>
internal static class VmCloning
{
    /// <summary>
    /// Clones <paramref name="source"/> as <paramref name="newName"/> into <paramref name="folder"/> (null: the source's folder)
    /// and the source's resource pool (for a template, see <see cref="VmPlacement.PoolForCopyOf"/>), on <paramref name="datastore"/> or the source's datastores,
    /// on the host <see cref="VmPlacement.ChooseHost"/> gives (the caller's <paramref name="hostName"/>, else none with DRS,
    /// else the source's host or another usable one), then powers the clone on when asked. The power-on is a call of its
    /// own rather than the clone spec's <c>powerOn</c>, which not every server honours (the simulator ignores it).
    /// Progress follows the clone task.
    /// </summary>
    public static async Task<ClonedVm> CloneAsync(IVSphereSession session, LocatedVm source, string newName, string newNameArgument,
        CloneFolder folder, string? datastore, string? hostName, bool powerOn, IProgress<ProgressNotificationValue> progress, int? timeoutSeconds,
        CancellationToken cancellationToken)
    {
        var client = session.Client;
        // Independent reads, run together.
        var nameCheck = client.EnsureVmNameIsFreeAsync(newName, newNameArgument, cancellationToken);
        var reading = VmPlacement.ReadAsync(session, cancellationToken);
        var findingFolder = folder.Path is null
            ? Task.FromResult<ManagedObjectReference?>(null)
            : FindFolderAsync(client, folder.Path, folder.Argument!, cancellationToken);
        await Task.WhenAll(nameCheck, reading, findingFolder);
        var placement = await reading;

        var pool = placement.PoolForCopyOf(source.Name, source.ResourcePool, source.Host);
        var target = placement.ForPool(pool);
        var targetDatastore = datastore is null ? null : placement.FindDatastore(datastore).Ref;
        var host = placement.ChooseHost(target, targetDatastore is null ? source.Datastores : [targetDatastore], source.Networks,
            hostName, VmPlacement.HostNameArgument, source.Host);
        var spec = new VirtualMachineCloneSpec
        {
            Location = new VirtualMachineRelocateSpec { Pool = pool, Datastore = targetDatastore, Host = host?.Ref },
        };
        var into = await findingFolder ?? (folder.DatacenterFolder ? null : source.Folder) ?? target.VmFolder;
        var clone = await client.CloneVmAsync(source.Ref, into, newName, spec,
            progress.ForVSphereTask($"Cloning {source.Name} to {newName}", timeoutSeconds), cancellationToken);
        if (powerOn)
        {
            await client.PowerOnVmAsync(clone, cancellationToken: cancellationToken);
        }
        return new ClonedVm(source.Name, await VmSummary.ReadAsync(client, clone, cancellationToken));
    }

    private static async Task<ManagedObjectReference?> FindFolderAsync(VSphereClient client, string path, string argument, CancellationToken cancellationToken) =>
        (await FolderTools.FindVmFolderAsync(client, path, argument, cancellationToken)).Ref;
}

/// <summary>The folder a clone goes to: <see cref="Path"/> when given, else the datacenter's VM folder or the source's folder.</summary>
/// <param name="Path">A VM folder's name or path the caller gave, or null.</param>
/// <param name="Argument">The argument that gave it, for errors.</param>
/// <param name="DatacenterFolder">Without a path: true for the datacenter's VM folder, false for the source's folder.</param>
internal readonly record struct CloneFolder(string? Path, string? Argument, bool DatacenterFolder)
{
    /// <summary>The source's folder, as clone_vm does.</summary>
    public static CloneFolder OfSource => new(null, null, DatacenterFolder: false);
}

/// <summary>The result of clone_vm and deploy_from_template: the new VM as vSphere reports it.</summary>
/// <param name="Source">The VM or template it was cloned from.</param>
/// <param name="Vm">The new VM.</param>
public sealed record ClonedVm(string Source, VmSummary Vm);
