using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Lookup;

/// <summary>An inventory object found by name or path.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Ref">Its reference.</param>
/// <param name="Name">Its name.</param>
/// <param name="Path">Its inventory path, e.g. <c>DC0/vm/Lab/web-01</c> (datacenter first, root folder left out).</param>
public sealed record InventoryObject(VSphereObjectKind Kind, ManagedObjectReference Ref, string Name, string Path);
