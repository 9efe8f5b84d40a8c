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
/// path, in one bulk read.
/// </summary>
internal static class EntityResolver
{
    public static async Task<NamedEntity> FindAsync(VSphereClient client, string name, string argument, CancellationToken cancellationToken)
    {
        var snapshot = await InventorySnapshot.ReadAsync(client,
            [
                new PropertySpec { Type = "VirtualMachine", PathSet = [] },
                new PropertySpec { Type = "Datastore", PathSet = [] },
                new PropertySpec { Type = "Network", PathSet = [] },
                new PropertySpec { Type = "DistributedVirtualSwitch", PathSet = [] },
            ], cancellationToken);
        // A standalone host sits in a compute resource of the same name: the host is what is meant.
        var entities = snapshot.Objects
            .Where(content => content.Ref.Type != "ComputeResource")
            .Select(content => new NamedEntity(content.Ref, content.GetString("name") ?? content.Ref.Value, snapshot.PathOf(content.Ref)))
            .ToArray();

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
        throw new ToolException(ToolErrorKind.NotFound, $"{argument}: no inventory object is named '{name}'.", argument,
            ClosestNames.Find(wanted, entities.Select(entity => entity.Name)));
    }
}
