using McVSphere.VSphere.Lookup;

namespace McVSphere.VSphere;

/// <summary>No inventory object of the kind has that name (or path); <see cref="ClosestMatches"/> lists similar ones.</summary>
public sealed class VSphereObjectNotFoundException : VSphereException
{
    /// <summary>Creates the exception; <paramref name="existingCount"/> is how many objects of the kind exist.</summary>
    public VSphereObjectNotFoundException(VSphereObjectKind kind, string name, IReadOnlyList<string> closestMatches, int existingCount)
        : base(Describe(kind, name, closestMatches, existingCount))
    {
        Kind = kind;
        Name = name;
        ClosestMatches = closestMatches;
    }

    /// <summary>The kind looked for.</summary>
    public VSphereObjectKind Kind { get; }

    /// <summary>The name or path looked for.</summary>
    public string Name { get; }

    /// <summary>The most similar existing names (or paths), best first; at most five.</summary>
    public IReadOnlyList<string> ClosestMatches { get; }

    private static string Describe(VSphereObjectKind kind, string name, IReadOnlyList<string> closest, int existingCount)
    {
        var what = kind.DisplayName();
        if (closest.Count > 0)
        {
            return $"No {what} named '{name}'. Did you mean: {string.Join(", ", closest.Select(match => $"'{match}'"))}?";
        }
        return existingCount == 0
            ? $"No {what} named '{name}': there is no {what} at all."
            : $"No {what} named '{name}', and none of the {existingCount} that exist has a similar name.";
    }
}
