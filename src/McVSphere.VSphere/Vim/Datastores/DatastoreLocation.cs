using McVSphere.VSphere.Lookup;

namespace McVSphere.VSphere.Vim;

/// <summary>
/// A datastore with its datacenter: what file operations name along with a path (FileManager methods take the
/// datacenter, the <c>/folder</c> endpoint its inventory path as <c>dcPath</c>).
/// </summary>
/// <param name="Datastore">The datastore.</param>
/// <param name="Datacenter">Its datacenter; <see cref="InventoryObject.Path"/> is the <c>dcPath</c> of transfers (e.g. <c>DC0</c>, <c>Lab/DC0</c>).</param>
public sealed record DatastoreLocation(InventoryObject Datastore, InventoryObject Datacenter)
{
    /// <summary>A path on this datastore, <c>[name] path</c>; <paramref name="path"/> is relative to its root.</summary>
    public DatastorePath PathOf(string path) => new(Datastore.Name, path.Trim().Trim('/'));
}

/// <summary>Finding datastores with their datacenter.</summary>
public static class DatastoreLocationMethods
{
    /// <summary>Finds a datastore by name or inventory path, then its datacenter (two reads).</summary>
    /// <exception cref="VSphereObjectNotFoundException">No datastore has that name; the closest names are listed.</exception>
    /// <exception cref="VSphereAmbiguousNameException">Datastores of several datacenters have that name; their paths are listed.</exception>
    public static async Task<DatastoreLocation> LocateDatastoreAsync(this VSphereClient client, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var datastore = await client.Lookup.FindAsync(VSphereObjectKind.Datastore, name.Trim(), cancellationToken).ConfigureAwait(false);
        return new DatastoreLocation(datastore, await client.FindDatacenterOfAsync(datastore.Ref, cancellationToken).ConfigureAwait(false));
    }
}
