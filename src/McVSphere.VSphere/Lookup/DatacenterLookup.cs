using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Lookup;

/// <summary>The datacenter an inventory object belongs to.</summary>
public static class DatacenterLookup
{
    private static readonly string[] NameAndParent = ["name", "parent"];

    /// <summary>
    /// The datacenter of <paramref name="entity"/> (a VM, host, datastore, folder...) with its inventory path
    /// (<c>DC0</c>, or <c>Lab/DC0</c> for a datacenter in a folder), as the <c>dcPath</c> of datastore URLs wants it.
    /// One read: the entity's ancestors, followed through <c>parent</c>.
    /// </summary>
    /// <exception cref="VSphereException">The entity is not inside a datacenter (the root folder, a datacenter folder).</exception>
    public static async Task<InventoryObject> FindDatacenterOfAsync(this VSphereClient client, ManagedObjectReference entity,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(entity);
        var ancestors = await client.Properties.RetrieveAsync(new PropertyFilterSpec
        {
            PropSet = [new PropertySpec { Type = "ManagedEntity", PathSet = NameAndParent }],
            ObjectSet =
            [
                new ObjectSpec
                {
                    Obj = entity,
                    SelectSet = [new TraversalSpec { Name = "up", Type = "ManagedEntity", Path = "parent", Skip = false, SelectSet = [new SelectionSpec { Name = "up" }] }],
                },
            ],
        }, cancellationToken).ConfigureAwait(false);
        var byReference = ancestors.ToDictionary(content => content.Ref);

        // Walk up from the entity to its datacenter, then on to the root folder, collecting the datacenter's path.
        InventoryObject? datacenter = null;
        var path = new Stack<string>();
        for (var current = entity; byReference.TryGetValue(current, out var content); current = content.GetReference("parent")!)
        {
            var name = content.GetString("name") ?? current.Value;
            if (datacenter is null && current.Type == "Datacenter")
            {
                datacenter = new InventoryObject(VSphereObjectKind.Datacenter, current, name, "");
            }
            if (content.GetReference("parent") is null)
            {
                break; // The root folder, which paths leave out.
            }
            if (datacenter is not null)
            {
                path.Push(name);
            }
        }
        return datacenter is null
            ? throw new VSphereException($"{entity} is not inside a datacenter.")
            : datacenter with { Path = string.Join('/', path) };
    }
}
