using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Lookup;

/// <summary>
/// Objects read in one bulk read together with the name and parent of everything that places them (folders,
/// datacenters, clusters and other compute resources, resource pools and hosts), so that inventory paths, names of
/// referenced placements and lookups by name all resolve in memory. A listing of 5,000 VMs with their host, cluster
/// and folder is one round trip:
/// <code>
/// var snapshot = await InventorySnapshot.ReadAsync(client, [new PropertySpec { Type = "VirtualMachine", PathSet = ["runtime.host"] }]);
/// var host = snapshot.NameOf(vm.GetReference("runtime.host"));
/// </code>
/// </summary>
public sealed class InventorySnapshot : IInventoryNames
{
    private static readonly string[] NameAndParent = ["name", "parent"];

    /// <summary>The types read in every snapshot (name and parent), which make up paths and placements.</summary>
    private static readonly string[] PlacementTypes = ["Folder", "Datacenter", "ComputeResource", "ResourcePool", "HostSystem"];

    /// <summary>Subtypes and their base type: a property spec of the base type reads them too.</summary>
    internal static readonly Dictionary<string, string> Subtypes = new(StringComparer.Ordinal)
    {
        ["ClusterComputeResource"] = "ComputeResource",
        ["VirtualApp"] = "ResourcePool",
        ["StoragePod"] = "Folder",
        ["DistributedVirtualPortgroup"] = "Network",
        ["OpaqueNetwork"] = "Network",
        ["VmwareDistributedVirtualSwitch"] = "DistributedVirtualSwitch",
    };

    private readonly Dictionary<ManagedObjectReference, ObjectContent> _byReference;
    private readonly HashSet<string> _readTypes;
    private readonly InventoryTree _tree;

    private InventorySnapshot(IReadOnlyList<ObjectContent> objects, HashSet<string> readTypes)
    {
        Objects = objects;
        _readTypes = readTypes;
        _byReference = objects.ToDictionary(content => content.Ref);
        _tree = new InventoryTree(objects);
    }

    /// <summary>Every object read, placements included.</summary>
    public IReadOnlyList<ObjectContent> Objects { get; }

    /// <summary>
    /// Reads the objects of <paramref name="specs"/> under the root folder, each with its name, parent and the spec's
    /// paths, plus the name and parent of every folder, datacenter, compute resource, resource pool and host, in one read.
    /// </summary>
    public static Task<InventorySnapshot> ReadAsync(VSphereClient client, IEnumerable<PropertySpec> specs, CancellationToken cancellationToken = default) =>
        ReadAsync(client, specs, mayUseIndex: true, cancellationToken);

    /// <summary>As <see cref="ReadAsync(VSphereClient, IEnumerable{PropertySpec}, CancellationToken)"/>, from vCenter itself: for a name the index did not know.</summary>
    public static Task<InventorySnapshot> ReadFromVCenterAsync(VSphereClient client, IEnumerable<PropertySpec> specs, CancellationToken cancellationToken = default) =>
        ReadAsync(client, specs, mayUseIndex: false, cancellationToken);

    /// <summary>Whether the index answered this snapshot (it may lag a change made elsewhere a moment ago).</summary>
    public bool FromIndex { get; private init; }

    private static async Task<InventorySnapshot> ReadAsync(VSphereClient client, IEnumerable<PropertySpec> specs, bool mayUseIndex, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(specs);
        var pathsByType = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var type in PlacementTypes)
        {
            pathsByType[type] = [.. NameAndParent];
        }
        foreach (var spec in specs)
        {
            var paths = spec.PathSet ?? throw new ArgumentException($"The property spec of {spec.Type} has no paths.", nameof(specs));
            if (!pathsByType.TryGetValue(spec.Type, out var list))
            {
                pathsByType[spec.Type] = list = [.. NameAndParent];
            }
            list.AddRange(paths.Where(path => !list.Contains(path, StringComparer.Ordinal)));
        }
        var readTypes = pathsByType.Keys
            .Concat(Subtypes.Where(pair => pathsByType.ContainsKey(pair.Value)).Select(pair => pair.Key))
            .ToHashSet(StringComparer.Ordinal);
        // The live index holds it all when it is current and keeps these paths: no round trip.
        if (mayUseIndex && client.Lookup.Index?.Contents(pathsByType) is { } indexed)
        {
            return new InventorySnapshot(indexed, readTypes) { FromIndex = true };
        }
        // A spec of a base type also reads its subtypes: a subtype's own spec keeps only the paths the base does not read.
        foreach (var (subtype, baseType) in Subtypes)
        {
            if (pathsByType.TryGetValue(subtype, out var own) && pathsByType.TryGetValue(baseType, out var inherited))
            {
                own.RemoveAll(path => inherited.Contains(path, StringComparer.Ordinal));
                if (own.Count == 0)
                {
                    pathsByType.Remove(subtype);
                }
            }
        }

        var propertySpecs = pathsByType.Select(pair => new PropertySpec { Type = pair.Key, PathSet = pair.Value }).ToArray();
        var objects = await client.Properties.RetrieveAsync(propertySpecs, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new InventorySnapshot(objects, readTypes);
    }

    /// <summary>The objects of exactly the managed type <paramref name="managedObjectType"/> (e.g. <c>VirtualMachine</c>).</summary>
    public IEnumerable<ObjectContent> OfType(string managedObjectType) =>
        Objects.Where(content => string.Equals(content.Ref.Type, managedObjectType, StringComparison.Ordinal));

    /// <summary>The content of an object, or null when it was not read.</summary>
    public ObjectContent? Get(ManagedObjectReference? reference) =>
        reference is not null && _byReference.TryGetValue(reference, out var content) ? content : null;

    /// <summary>The name of an object, or null when it was not read.</summary>
    public string? NameOf(ManagedObjectReference? reference) => Get(reference)?.GetString("name");

    /// <summary>The name of the distributed port group with <paramref name="key"/>, when port groups were read with their <c>key</c>.</summary>
    public string? PortgroupName(string key) =>
        OfType("DistributedVirtualPortgroup").FirstOrDefault(portgroup => portgroup.GetString("key") == key)?.GetString("name");

    /// <summary>The parent of an object, or null for the root folder and objects not read.</summary>
    public ManagedObjectReference? ParentOf(ManagedObjectReference? reference) => Get(reference)?.GetReference("parent");

    /// <summary>The inventory path of an object, datacenter first (e.g. <c>DC0/vm/Lab/web-01</c>); empty when it was not read.</summary>
    public string PathOf(ManagedObjectReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return _tree.PathOf(reference);
    }

    /// <summary>The nearest ancestor of <paramref name="reference"/> of the managed type <paramref name="managedObjectType"/>
    /// (e.g. the <c>Datacenter</c> of a VM), or null.</summary>
    public ManagedObjectReference? AncestorOf(ManagedObjectReference? reference, string managedObjectType)
    {
        for (var current = ParentOf(reference); current is not null; current = ParentOf(current))
        {
            if (string.Equals(current.Type, managedObjectType, StringComparison.Ordinal))
            {
                return current;
            }
        }
        return null;
    }

    /// <summary>Whether <paramref name="ancestor"/> is <paramref name="reference"/> itself or one of its ancestors.</summary>
    public bool IsWithin(ManagedObjectReference? reference, ManagedObjectReference ancestor)
    {
        ArgumentNullException.ThrowIfNull(ancestor);
        for (var current = reference; current is not null; current = ParentOf(current))
        {
            if (current == ancestor)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Every object of <paramref name="kind"/> with its path, sorted by path.</summary>
    /// <exception cref="InvalidOperationException">The snapshot did not read objects of that kind.</exception>
    public IReadOnlyList<InventoryObject> List(VSphereObjectKind kind)
    {
        var type = kind.ManagedObjectType();
        if (!_readTypes.Contains(type))
        {
            throw new InvalidOperationException($"This snapshot did not read {type} objects: add a property spec for them.");
        }
        return Objects
            .Where(content => InventoryLookup.IsOfKind(content, kind))
            .Select(content => new InventoryObject(kind, content.Ref, content.GetString("name") ?? content.Ref.Value, _tree.PathOf(content.Ref)))
            .OrderBy(found => found.Path, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>
    /// Finds the object of <paramref name="kind"/> named <paramref name="name"/> with the rules of
    /// <see cref="InventoryLookup.FindAsync"/>: an exact name, else a unique case-insensitive one, else an inventory path.
    /// </summary>
    /// <exception cref="VSphereObjectNotFoundException">None has that name; the closest names are listed.</exception>
    /// <exception cref="VSphereAmbiguousNameException">Several have that name; their paths are listed.</exception>
    public InventoryObject Find(VSphereObjectKind kind, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return InventoryLookup.Match(kind, name, List(kind));
    }
}
