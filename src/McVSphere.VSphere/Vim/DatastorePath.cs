namespace McVSphere.VSphere.Vim;

/// <summary>
/// A path on a datastore as vSphere writes it, <c>[LocalDS_0] web-01/web-01.vmdk</c>: the datastore's name in
/// brackets, then the path inside it (empty for the datastore's root, as in <c>[LocalDS_0]</c>).
/// </summary>
/// <param name="Datastore">The datastore's name.</param>
/// <param name="Path">The path inside the datastore, with '/' separators; empty for its root.</param>
public readonly record struct DatastorePath(string Datastore, string Path)
{
    /// <summary>Reads a <c>[datastore] path</c>; false when <paramref name="text"/> does not start with a bracketed name.</summary>
    public static bool TryParse(string? text, out DatastorePath path)
    {
        path = default;
        var trimmed = text?.Trim();
        if (trimmed is null || !trimmed.StartsWith('['))
        {
            return false;
        }
        var close = trimmed.IndexOf(']', StringComparison.Ordinal);
        if (close <= 1)
        {
            return false;
        }
        path = new DatastorePath(trimmed[1..close], trimmed[(close + 1)..].Trim().TrimStart('/'));
        return true;
    }

    /// <summary>The vSphere form, <c>[datastore] path</c>, or <c>[datastore]</c> for the root.</summary>
    public override string ToString() => Path.Length == 0 ? $"[{Datastore}]" : $"[{Datastore}] {Path}";
}
