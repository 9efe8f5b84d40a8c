namespace McVSphere.VSphere.Vim;

/// <summary>Typed calls of ResourcePool methods.</summary>
public static class ResourcePoolMethods
{
    /// <summary>Creates a child resource pool (CreateResourcePool) and returns it.</summary>
    public static async Task<ManagedObjectReference> CreateResourcePoolAsync(this VSphereClient client, ManagedObjectReference parent, string name,
        ResourceConfigSpec spec, CancellationToken cancellationToken = default) =>
        VirtualMachineMethods.RequireReference(
            await client.InvokeAsync("CreateResourcePool", parent, [new VimArgument("name", name), new VimArgument("spec", spec)], cancellationToken)
                .ConfigureAwait(false),
            "CreateResourcePool");

    /// <summary>Moves VMs or resource pools into a pool (MoveIntoResourcePool); a VM keeps its host.</summary>
    public static Task MoveIntoResourcePoolAsync(this VSphereClient client, ManagedObjectReference pool, IEnumerable<ManagedObjectReference> entities,
        CancellationToken cancellationToken = default) =>
        client.InvokeAsync("MoveIntoResourcePool", pool, [new VimArgument("list", entities)], cancellationToken);
}
