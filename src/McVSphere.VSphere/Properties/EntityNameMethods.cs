using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Properties;

/// <summary>Names of referenced objects, in one read.</summary>
public static class EntityNameMethods
{
    /// <summary>
    /// The names of the managed entities among <paramref name="references"/> (VMs, hosts, clusters, datastores,
    /// networks, folders...), in one read. References to other objects (snapshots, tasks) and to objects that no
    /// longer exist are left out of the result rather than failing the read.
    /// </summary>
    public static async Task<IReadOnlyDictionary<ManagedObjectReference, string>> ReadNamesAsync(this VSpherePropertyReader properties,
        IEnumerable<ManagedObjectReference?> references, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(properties);
        ArgumentNullException.ThrowIfNull(references);
        var distinct = references.OfType<ManagedObjectReference>().Distinct().ToArray();
        if (distinct.Length == 0)
        {
            return new Dictionary<ManagedObjectReference, string>();
        }
        var contents = await properties.RetrieveAsync(new PropertyFilterSpec
        {
            PropSet = [new PropertySpec { Type = "ManagedEntity", PathSet = ["name"] }],
            ObjectSet = distinct.Select(reference => new ObjectSpec { Obj = reference }).ToArray(),
            ReportMissingObjectsInResults = true,
        }, cancellationToken).ConfigureAwait(false);
        return contents
            .Where(content => content.GetString("name") is not null)
            .ToDictionary(content => content.Ref, content => content.GetString("name")!);
    }
}
