using McVSphere.Sdk.Errors;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.Inventory;

/// <summary>An inventory object of any kind found by name, for filters such as the entity of events and tasks.</summary>
internal sealed record NamedEntity(ManagedObjectReference Ref, string Name, string Path);

/// <summary>
/// Finds an object of any kind (VM, host, cluster, datastore, network, pool, folder, datacenter) by name or inventory
/// path, in one bulk read: from the live index when it is current, and a name the index does not know is looked for
/// in vCenter once before it is reported missing (an object created a moment ago elsewhere).
/// </summary>
internal static class EntityResolver
{
    private static readonly PropertySpec[] EveryKind =
    [
        new() { Type = "VirtualMachine", PathSet = [] },
        new() { Type = "Datastore", PathSet = [] },
        new() { Type = "Network", PathSet = [] },
        new() { Type = "DistributedVirtualSwitch", PathSet = [] },
    ];

    public static async Task<NamedEntity> FindAsync(VSphereClient client, string name, string argument, CancellationToken cancellationToken)
    {
        var snapshot = await InventorySnapshot.ReadAsync(client, EveryKind, cancellationToken);
        var entities = Entities(snapshot);
        if (snapshot.FromIndex && Match(entities, name, argument) is null)
        {
            // The index may not have heard yet of an object created a moment ago elsewhere: ask vCenter, once.
            entities = Entities(await InventorySnapshot.ReadFromVCenterAsync(client, EveryKind, cancellationToken));
        }
        return Match(entities, name, argument) ?? throw new ToolException(ToolErrorKind.NotFound, $"{argument}: no inventory object is named '{name}'.", argument,
            ClosestNames.Find(name.Trim(), entities.Select(entity => entity.Name)));
    }

    // A standalone host sits in a compute resource of the same name: the host is what is meant.
    private static NamedEntity[] Entities(InventorySnapshot snapshot) => snapshot.Objects
        .Where(content => content.Ref.Type != "ComputeResource")
        .Select(content => new NamedEntity(content.Ref, content.GetString("name") ?? content.Ref.Value, snapshot.PathOf(content.Ref)))
        .ToArray();

    /// <summary>The one entity named (exactly, else ignoring case, else by inventory path); null when none is.</summary>
    /// <exception cref="ToolException">Several are: their paths are listed.</exception>
    private static NamedEntity? Match(NamedEntity[] entities, string name, string argument)
    {
        var wanted = name.Trim();
        foreach (var matches in new[]
        {
            entities.Where(entity => string.Equals(entity.Name, wanted, StringComparison.Ordinal)),
            entities.Where(entity => string.Equals(entity.Name, wanted, StringComparison.OrdinalIgnoreCase)),
            entities.Where(entity => string.Equals(entity.Path, wanted.Trim('/'), StringComparison.OrdinalIgnoreCase)),
        }.Select(candidates => candidates.ToArray()))
        {
            if (matches.Length == 1)
            {
                return matches[0];
            }
            if (matches.Length > 1)
            {
                throw new ToolException(ToolErrorKind.Ambiguous,
                    $"{argument}: {matches.Length} inventory objects are named '{name}'; give the inventory path of the one you mean.", argument,
                    matches.Select(match => match.Path).Order(StringComparer.Ordinal).ToArray());
            }
        }
        return null;
    }
}
