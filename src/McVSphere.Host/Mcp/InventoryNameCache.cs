using System.Collections.Concurrent;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;

namespace McVSphere.Host.Mcp;

/// <summary>
/// Names of inventory objects by kind, for completions: one bulk read per kind, reused for a short while so that an
/// assistant typing a name does not cost a round trip per keystroke, yet new objects show up within seconds. Kept per
/// target: the names are those of the target the current request is routed to.
/// </summary>
public sealed class InventoryNameCache(IVSphereSession session, TimeProvider time)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(15);
    private readonly ConcurrentDictionary<(VSphereClient Client, VSphereObjectKind Kind), Lazy<Task<Entry>>> _entries = new();

    private sealed record Entry(IReadOnlyList<string> Names, DateTimeOffset ReadAt);

    /// <summary>The names of every object of <paramref name="kind"/> (inventory paths for folders), sorted.</summary>
    public async Task<IReadOnlyList<string>> GetAsync(VSphereObjectKind kind, CancellationToken cancellationToken)
    {
        var key = (session.Client, kind);
        while (true)
        {
            var lazy = _entries.GetOrAdd(key, k => new Lazy<Task<Entry>>(() => ReadAsync(k.Client, k.Kind)));
            Entry entry;
            try
            {
                entry = await lazy.Value.WaitAsync(cancellationToken);
            }
            catch when (!cancellationToken.IsCancellationRequested)
            {
                _entries.TryRemove(new KeyValuePair<(VSphereClient, VSphereObjectKind), Lazy<Task<Entry>>>(key, lazy));
                throw;
            }
            if (time.GetUtcNow() - entry.ReadAt < Freshness)
            {
                return entry.Names;
            }
            // Stale: the first caller to notice replaces it; everyone then awaits the same new read.
            _entries.TryRemove(new KeyValuePair<(VSphereClient, VSphereObjectKind), Lazy<Task<Entry>>>(key, lazy));
        }
    }

    private async Task<Entry> ReadAsync(VSphereClient client, VSphereObjectKind kind)
    {
        var objects = await client.Lookup.ListAsync(kind, CancellationToken.None);
        var names = objects.Select(o => kind == VSphereObjectKind.Folder ? o.Path : o.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.OrdinalIgnoreCase).ToArray();
        return new Entry(names, time.GetUtcNow());
    }
}
