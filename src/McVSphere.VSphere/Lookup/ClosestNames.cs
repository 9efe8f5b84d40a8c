namespace McVSphere.VSphere.Lookup;

/// <summary>Ranks existing names by similarity to a name that was not found: substrings first, then by edit distance.</summary>
public static class ClosestNames
{
    /// <summary>The most names <see cref="Find"/> returns.</summary>
    public const int MaxSuggestions = 5;

    /// <summary>The existing names most like <paramref name="wanted"/> (case-insensitive), best first; empty when none is close.</summary>
    public static IReadOnlyList<string> Find(string wanted, IEnumerable<string> existing)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(existing);
        var target = wanted.ToLowerInvariant();
        var threshold = Math.Max(2, target.Length / 3);
        return existing
            .Distinct(StringComparer.Ordinal)
            .Select(name =>
            {
                var candidate = name.ToLowerInvariant();
                var contains = candidate.Contains(target, StringComparison.Ordinal) || target.Contains(candidate, StringComparison.Ordinal);
                return (Name: name, Contains: contains, Distance: EditDistance(target, candidate));
            })
            .Where(match => match.Contains || match.Distance <= threshold)
            .OrderBy(match => match.Contains ? 0 : 1)
            .ThenBy(match => match.Distance)
            .ThenBy(match => match.Name, StringComparer.Ordinal)
            .Take(MaxSuggestions)
            .Select(match => match.Name)
            .ToArray();
    }

    /// <summary>Levenshtein distance, with two rows.</summary>
    internal static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
