using McVSphere.VSphere.Tasks;

namespace McVSphere.VSphere.Vim;

/// <summary>Typed calls of ManagedEntity and Folder methods.</summary>
public static class InventoryMethods
{
    /// <summary>Deletes an entity (Destroy_Task): a VM with its files, an empty folder, a resource pool...</summary>
    public static Task DestroyAsync(this VSphereClient client, ManagedObjectReference entity,
        IProgress<VSphereTaskProgress>? progress = null, CancellationToken cancellationToken = default) =>
        client.InvokeTaskAsync("Destroy_Task", entity, null, progress, cancellationToken: cancellationToken);

    /// <summary>Renames an entity (Rename_Task).</summary>
    public static Task RenameAsync(this VSphereClient client, ManagedObjectReference entity, string newName,
        IProgress<VSphereTaskProgress>? progress = null, CancellationToken cancellationToken = default) =>
        client.InvokeTaskAsync("Rename_Task", entity, [new VimArgument("newName", newName)], progress, cancellationToken: cancellationToken);

    /// <summary>Creates a folder (CreateFolder) and returns it.</summary>
    public static async Task<ManagedObjectReference> CreateFolderAsync(this VSphereClient client, ManagedObjectReference parent, string name,
        CancellationToken cancellationToken = default) =>
        VirtualMachineMethods.RequireReference(
            await client.InvokeAsync("CreateFolder", parent, [new VimArgument("name", name)], cancellationToken).ConfigureAwait(false), "CreateFolder");

    /// <summary>Moves entities into a folder (MoveIntoFolder_Task).</summary>
    public static Task MoveIntoFolderAsync(this VSphereClient client, ManagedObjectReference folder, IEnumerable<ManagedObjectReference> entities,
        IProgress<VSphereTaskProgress>? progress = null, CancellationToken cancellationToken = default) =>
        client.InvokeTaskAsync("MoveIntoFolder_Task", folder, [new VimArgument("list", entities)], progress, cancellationToken: cancellationToken);
}
