using System.Collections.Concurrent;
using McVSphere.Sdk.Session;
using McVSphere.VSphere.Lookup;

namespace McVSphere.Host.Mcp;

/// <summary>
/// Names of inventory objects by kind, for completions: one bulk read per kind, reused for a short while so that an
/// assistant typing a name does not cost a round trip per keystroke, yet new objects show up within seconds.
/// </summary>
public sealed class InventoryNameCache(IVSphereSession session, TimeProvider time)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(15);
    private readonly ConcurrentDictionary<VSphereObjectKind, Lazy<Task<Entry>>> _entries = new();

    private sealed record Entry(IReadOnlyList<string> Names, DateTimeOffset ReadAt);

    /// <summary>The names of every object of <paramref name="kind"/> (inventory paths for folders), sorted.</summary>
    public async Task<IReadOnlyList<string>> GetAsync(VSphereObjectKind kind, CancellationToken cancellationToken)
    {
        while (true)
        {
            var lazy = _entries.GetOrAdd(kind, k => new Lazy<Task<Entry>>(() => ReadAsync(k)));
            Entry entry;
            try
            {
                entry = await lazy.Value.WaitAsync(cancellationToken);
            }
            catch when (!cancellationToken.IsCancellationRequested)
            {
                _entries.TryRemove(new KeyValuePair<VSphereObjectKind, Lazy<Task<Entry>>>(kind, lazy));
                throw;
            }
            if (time.GetUtcNow() - entry.ReadAt < Freshness)
            {
                return entry.Names;
            }
            // Stale: the first caller to notice replaces it; everyone then awaits the same new read.
            _entries.TryRemove(new KeyValuePair<VSphereObjectKind, Lazy<Task<Entry>>>(kind, lazy));
        }
    }

    private async Task<Entry> ReadAsync(VSphereObjectKind kind)
    {
        var objects = await session.Client.Lookup.ListAsync(kind, CancellationToken.None);
        var names = objects.Select(o => kind == VSphereObjectKind.Folder ? o.Path : o.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.OrdinalIgnoreCase).ToArray();
        return new Entry(names, time.GetUtcNow());
    }
}
