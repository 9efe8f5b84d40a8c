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
    private static readonly string[] AncestorTypes = ["Folder", "Datacenter", "ComputeResource", "ResourcePool"];

    private readonly VSpherePropertyReader _properties;

    internal InventoryLookup(VSpherePropertyReader properties) => _properties = properties;

    /// <summary>
    /// Finds the object of <paramref name="kind"/> named <paramref name="name"/>: an exact name, else a unique
    /// case-insensitive one, else (when it contains '/') an inventory path, else the end of one object's path in whole
    /// segments (<c>Prod/Web</c> and <c>vm/Prod/Web</c> for <c>DC0/vm/Prod/Web</c>, as the original mcvsphere wrote folders).
    /// </summary>
    /// <exception cref="VSphereObjectNotFoundException">None has that name; the closest names are listed.</exception>
    /// <exception cref="VSphereAmbiguousNameException">Several have that name; their paths are listed.</exception>
    public async Task<InventoryObject> FindAsync(VSphereObjectKind kind, string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var objects = await ListAsync(kind, cancellationToken).ConfigureAwait(false);
        return Match(kind, name, objects);
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

    /// <summary>Every object of <paramref name="kind"/> with its inventory path, sorted by path.</summary>
    public async Task<IReadOnlyList<InventoryObject>> ListAsync(VSphereObjectKind kind, CancellationToken cancellationToken = default)
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

    internal static bool IsOfKind(ObjectContent content, VSphereObjectKind kind) => kind switch
    {
        VSphereObjectKind.Template => content.Ref.Type == "VirtualMachine" && content.GetBoolean("config.template") == true,
        VSphereObjectKind.Network => content.Ref.Type is "Network" or "DistributedVirtualPortgroup" or "OpaqueNetwork",
        VSphereObjectKind.ResourcePool => content.Ref.Type is "ResourcePool" or "VirtualApp",
        _ => content.Ref.Type == kind.ManagedObjectType(),
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
