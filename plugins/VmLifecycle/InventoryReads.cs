using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.VmLifecycle;

/// <summary>Reads that name what a change touched, or confirm what it did.</summary>
internal static class InventoryReads
{
    /// <summary>Whether vSphere still knows the object (a deletion is confirmed by its absence).</summary>
    public static async Task<bool> ExistsAsync(VSphereClient client, ManagedObjectReference entity, CancellationToken cancellationToken)
    {
        try
        {
            await client.Properties.RetrieveAsync(entity, ["name"], cancellationToken);
            return true;
        }
        catch (VimFaultException fault) when (fault.FaultType == VimFaultTypes.ManagedObjectNotFound)
        {
            return false;
        }
    }

    /// <summary>The inventory path of an object, e.g. <c>DC0/vm/Lab</c> (one bulk read of names).</summary>
    public static async Task<string> PathOfAsync(VSphereClient client, VSphereObjectKind kind, ManagedObjectReference entity,
        CancellationToken cancellationToken)
    {
        var objects = await client.Lookup.ListAsync(kind, cancellationToken);
        return objects.FirstOrDefault(candidate => candidate.Ref == entity)?.Path ?? entity.Value;
    }

    /// <summary>The names of inventory objects of any types, in one read.</summary>
    public static async Task<IReadOnlyDictionary<ManagedObjectReference, string>> NamesAsync(VSphereClient client,
        IEnumerable<ManagedObjectReference> objects, CancellationToken cancellationToken)
    {
        var contents = await client.Properties.RetrieveAsync(objects, ["name"], cancellationToken);
        return contents.ToDictionary(content => content.Ref, content => content.GetString("name") ?? content.Ref.Value);
    }
}
