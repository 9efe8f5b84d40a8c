using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Lookup;

/// <summary>
/// Inventory paths computed in memory from the name and parent of every object of one read. The root folder (which
/// has no parent) is left out, so paths start at the datacenter: <c>DC0/host/DC0_C0/DC0_C0_H0</c>.
/// </summary>
internal sealed class InventoryTree
{
    private readonly Dictionary<ManagedObjectReference, (string Name, ManagedObjectReference? Parent)> _nodes = [];
    private readonly Dictionary<ManagedObjectReference, string> _paths = [];

    public InventoryTree(IEnumerable<ObjectContent> contents)
    {
        foreach (var content in contents)
        {
            _nodes[content.Ref] = (content.GetString("name") ?? content.Ref.Value, content.GetReference("parent"));
        }
    }

    public string PathOf(ManagedObjectReference reference)
    {
        if (_paths.TryGetValue(reference, out var known))
        {
            return known;
        }
        // The root folder is not in a container view of itself, so an object whose parent is unknown hangs off the root.
        if (!_nodes.TryGetValue(reference, out var node))
        {
            return "";
        }
        var parentPath = node.Parent is null ? "" : PathOf(node.Parent);
        var path = parentPath.Length == 0 ? node.Name : parentPath + "/" + node.Name;
        _paths[reference] = path;
        return path;
    }
}
