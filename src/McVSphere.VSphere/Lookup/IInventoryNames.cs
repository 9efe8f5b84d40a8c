using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Lookup;

/// <summary>
/// Names, parents and paths of inventory objects, resolved in memory: from a bulk read (<see cref="InventorySnapshot"/>)
/// or from the live index (<see cref="InventoryIndex.CurrentNames"/>), so that a tool shaping one object's references
/// (its host, cluster, folder, datastores) needs no round trip for them.
/// </summary>
public interface IInventoryNames
{
    /// <summary>The name of an object, or null when it is not known.</summary>
    string? NameOf(ManagedObjectReference? reference);

    /// <summary>The parent of an object, or null for the root folder and objects not known.</summary>
    ManagedObjectReference? ParentOf(ManagedObjectReference? reference);

    /// <summary>The inventory path of an object, datacenter first (e.g. <c>DC0/vm/Lab/web-01</c>); empty when it is not known.</summary>
    string PathOf(ManagedObjectReference reference);

    /// <summary>The name of the distributed port group with <paramref name="key"/> (as a NIC's backing names it), or null.</summary>
    string? PortgroupName(string key);
}
