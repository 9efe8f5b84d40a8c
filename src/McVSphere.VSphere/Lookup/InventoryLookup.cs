using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Lookup;

/// <summary>
/// Finds inventory objects by name or inventory path (<c>client.Lookup</c>). Each call is one bulk read of the name and
/// parent of the objects of the kind and of their possible ancestors, from which paths are built in memory.
/// </summary>
public sealed class InventoryLookup
{
    private static readonly string[] NameAndParent = ["name", "parent"];

    /// <summary>The types that can stand between the root folder and an object, and so make up its path.</summary>
    internal static readonly string[] AncestorTypes = ["Folder", "Datacenter", "ComputeResource", "ResourcePool"];

    private readonly VSpherePropertyReader _properties;

    internal InventoryLookup(VSpherePropertyReader properties, InventoryIndex? index)
    {
        _properties = properties;
        Index = index;
    }

    /// <summary>The live index lookups answer from when it is current (<see cref="VSphereConnectionOptions.InventoryIndex"/>); null when off.</summary>
    public InventoryIndex? Index { get; }

    /// <summary>
    /// Finds the object of <paramref name="kind"/> named <paramref name="name"/>: an exact name, else a unique
    /// case-insensitive one, else (when it contains '/') an inventory path, else the end of one object's path in whole
    /// segments (<c>Prod/Web</c> and <c>vm/Prod/Web</c> for <c>DC0/vm/Prod/Web</c>, as the original mcvsphere wrote folders).
    /// </summary>
    /// <exception cref="VSphereObjectNotFoundException">None has that name; the closest names are listed.</exception>
    /// <exception cref="VSphereAmbiguousNameException">Several have that name; their paths are listed.</exception>
    /// <remarks>
    /// With the index current, a name it knows costs no round trip; a name it does not know is looked for in vCenter
    /// once (an object created a moment ago by someone else) before it is reported missing.
    /// </remarks>
    public async Task<InventoryObject> FindAsync(VSphereObjectKind kind, string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return FindInIndex(kind, name) ?? await FindInVCenterAsync(kind, name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>As <see cref="FindAsync"/>, from vCenter itself: for a name the index gave an object vCenter no longer has.</summary>
    public async Task<InventoryObject> FindInVCenterAsync(VSphereObjectKind kind, string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Match(kind, name, await ReadAsync(kind, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The index's answer; null when it may not answer or does not know the name.</summary>
    /// <exception cref="VSphereAmbiguousNameException">The index knows several objects of that name.</exception>
    private InventoryObject? FindInIndex(VSphereObjectKind kind, string name)
    {
        if (Index is null)
        {
            return null;
        }
        Index.Start();
        var candidates = Index.Named(kind, name);
        if (candidates is { Count: 0 } && name.Contains('/', StringComparison.Ordinal))
        {
            candidates = Index.List(kind);
        }
        if (candidates is not { Count: > 0 })
        {
            return null;
        }
        try
        {
            return Match(kind, name, candidates);
        }
        catch (VSphereObjectNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The rules of <see cref="FindAsync"/>, applied to objects already listed (with their paths).</summary>
    internal static InventoryObject Match(VSphereObjectKind kind, string name, IReadOnlyList<InventoryObject> objects)
    {
        var match = Single(kind, name, objects, (candidate, comparison) => string.Equals(candidate.Name, name, comparison));
        if (match is null && name.Contains('/', StringComparison.Ordinal))
        {
            var path = NormalizePath(name);
            match = Single(kind, name, objects, (candidate, comparison) => string.Equals(candidate.Path, path, comparison))
                ?? Single(kind, name, objects, (candidate, comparison) => candidate.Path.EndsWith("/" + path, comparison));
        }
        return match ?? throw new VSphereObjectNotFoundException(kind, name,
            ClosestNames.Find(name, objects.Select(candidate => candidate.Name)), objects.Count);
    }

    /// <summary>Finds the object of <paramref name="kind"/> at an inventory path such as <c>DC0/vm/Lab/web-01</c>.</summary>
    /// <exception cref="VSphereObjectNotFoundException">Nothing is at that path; the closest paths are listed.</exception>
    public async Task<InventoryObject> FindByPathAsync(VSphereObjectKind kind, string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var objects = await ListAsync(kind, cancellationToken).ConfigureAwait(false);
        var normalized = NormalizePath(path);
        return Single(kind, path, objects, (candidate, comparison) => string.Equals(candidate.Path, normalized, comparison))
            ?? throw new VSphereObjectNotFoundException(kind, path,
                ClosestNames.Find(normalized, objects.Select(candidate => candidate.Path)), objects.Count);
    }

    /// <summary>Every object of <paramref name="kind"/> with its inventory path, sorted by path: from the index when it is current.</summary>
    public async Task<IReadOnlyList<InventoryObject>> ListAsync(VSphereObjectKind kind, CancellationToken cancellationToken = default)
    {
        Index?.Start();
        return Index?.List(kind) ?? await ReadAsync(kind, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One bulk read of the objects of <paramref name="kind"/> and their possible ancestors.</summary>
    private async Task<IReadOnlyList<InventoryObject>> ReadAsync(VSphereObjectKind kind, CancellationToken cancellationToken)
    {
        var targetType = kind.ManagedObjectType();
        string[] targetPaths = kind == VSphereObjectKind.Template ? [.. NameAndParent, "config.template"] : NameAndParent;
        var specs = AncestorTypes.Where(type => type != targetType)
            .Select(type => new PropertySpec { Type = type, PathSet = NameAndParent })
            .Append(new PropertySpec { Type = targetType, PathSet = targetPaths })
            .ToArray();
        var contents = await _properties.RetrieveAsync(specs, cancellationToken: cancellationToken).ConfigureAwait(false);

        var tree = new InventoryTree(contents);
        return contents
            .Where(content => IsOfKind(content, kind))
            .Select(content => new InventoryObject(kind, content.Ref, content.GetString("name") ?? content.Ref.Value, tree.PathOf(content.Ref)))
            .OrderBy(found => found.Path, StringComparer.Ordinal)
            .ToArray();
    }

    internal static bool IsOfKind(ObjectContent content, VSphereObjectKind kind) =>
        IsOfKind(content.Ref, content.GetBoolean("config.template") == true, kind);

    /// <summary>Whether an object is of <paramref name="kind"/>: by its type, and for templates by its template flag.</summary>
    internal static bool IsOfKind(ManagedObjectReference reference, bool isTemplate, VSphereObjectKind kind) => kind switch
    {
        VSphereObjectKind.Template => reference.Type == "VirtualMachine" && isTemplate,
        VSphereObjectKind.Network => reference.Type is "Network" or "DistributedVirtualPortgroup" or "OpaqueNetwork",
        VSphereObjectKind.ResourcePool => reference.Type is "ResourcePool" or "VirtualApp",
        _ => reference.Type == kind.ManagedObjectType(),
    };

    /// <summary>The one object that <paramref name="matches"/> exactly, or else case-insensitively; null if none.</summary>
    /// <exception cref="VSphereAmbiguousNameException">Several match; their paths are listed.</exception>
    private static InventoryObject? Single(VSphereObjectKind kind, string asked, IReadOnlyList<InventoryObject> objects,
        Func<InventoryObject, StringComparison, bool> matches)
    {
        foreach (var comparison in (StringComparison[])[StringComparison.Ordinal, StringComparison.OrdinalIgnoreCase])
        {
            var found = objects.Where(candidate => matches(candidate, comparison)).ToArray();
            if (found.Length == 1)
            {
                return found[0];
            }
            if (found.Length > 1)
            {
                throw new VSphereAmbiguousNameException(kind, asked, found.Select(match => match.Path).Order(StringComparer.Ordinal).ToArray());
            }
        }
        return null;
    }

    private static string NormalizePath(string path) => path.Trim().Trim('/');
}
