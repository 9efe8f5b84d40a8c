using System.Text.RegularExpressions;
using McVSphere.Sdk.Errors;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.Inventory;

/// <summary>
/// The result of a listing: <c>total</c> items matched the filters, the first <c>returned</c> of them (in the listing's
/// order: by name, or by path where names repeat) are in <c>items</c>, and <c>truncated</c> says whether <c>limit</c> cut
/// the list short.
/// </summary>
public sealed record Listing<T>(int Total, int Returned, bool Truncated, IReadOnlyList<T> Items);

/// <summary>The filters and limit shared by the listings: argument checks first, then matching in memory.</summary>
internal static class ListFilters
{
    /// <summary>Descriptions of the shared parameters, so that every listing documents them alike.</summary>
    public const string NamePatternDescription =
        "Only items whose name matches, case-insensitively: '*' matches any text and '?' one character (e.g. 'web-*'); without wildcards, names containing the text match.";
    public const string LimitDescription = "The most items to return (default: all); 'total' still counts every match.";
    public const string ListingFields =
        "Returns {total, returned, truncated, items}: total = items matching the filters, returned = items in this answer, truncated = whether limit cut the list.";

    /// <summary>The vSphere power states, as VMs report them.</summary>
    public static readonly IReadOnlyList<string> PowerStates = ["poweredOn", "poweredOff", "suspended"];

    /// <summary>The first <paramref name="limit"/> items (all when null), and how many there were.</summary>
    public static Listing<T> Take<T>(IReadOnlyList<T> matching, int? limit)
    {
        var items = limit is { } most && most < matching.Count ? matching.Take(most).ToArray() : matching;
        return new Listing<T>(matching.Count, items.Count, items.Count < matching.Count, items);
    }

    /// <summary>Checks <c>limit</c> before anything is read.</summary>
    public static void CheckLimit(int? limit, string argument = "limit")
    {
        if (limit is < 1)
        {
            throw ToolException.InvalidArgument(argument, $"{argument} must be at least 1 (got {limit}); leave it out to list everything.");
        }
    }

    /// <summary>A predicate for <c>name_pattern</c>; every name matches when it is null or empty.</summary>
    public static Func<string, bool> NameMatcher(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return _ => true;
        }
        if (pattern.IndexOfAny(['*', '?']) < 0)
        {
            return name => name.Contains(pattern, StringComparison.OrdinalIgnoreCase);
        }
        var regex = new Regex(
            "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline,
            TimeSpan.FromSeconds(1));
        return regex.IsMatch;
    }

    /// <summary>
    /// The vSphere power state named by <c>power_state</c> (case and underscores ignored: "powered_off" is
    /// "poweredOff"), or null when none is asked for.
    /// </summary>
    public static string? ParsePowerState(string? powerState, string argument = "power_state")
    {
        if (string.IsNullOrWhiteSpace(powerState))
        {
            return null;
        }
        var wanted = powerState.Replace("_", "", StringComparison.Ordinal).Trim();
        return PowerStates.FirstOrDefault(state => string.Equals(state, wanted, StringComparison.OrdinalIgnoreCase))
            ?? throw ToolException.InvalidArgument(argument, $"{argument} '{powerState}' is not a VM power state.", PowerStates);
    }

    /// <summary>
    /// The object a filter argument names (a name or inventory path), or null when the filter is not used. An unknown
    /// or ambiguous name is an error that says which argument and what exists instead.
    /// </summary>
    public static ManagedObjectReference? Resolve(InventorySnapshot snapshot, VSphereObjectKind kind, string? name, string argument)
    {
        if (name is null)
        {
            return null;
        }
        try
        {
            return snapshot.Find(kind, name).Ref;
        }
        catch (VSphereObjectNotFoundException error)
        {
            throw new ToolException(ToolErrorKind.NotFound, $"{argument}: {error.Message}", argument);
        }
        catch (VSphereAmbiguousNameException error)
        {
            throw new ToolException(ToolErrorKind.Ambiguous, $"{argument}: {error.Message}", argument);
        }
    }

    /// <summary>Sorts by name (case-insensitively, then exactly) and materialises.</summary>
    public static IReadOnlyList<T> SortedByName<T>(this IEnumerable<T> items, Func<T, string> name) =>
        items.OrderBy(name, StringComparer.OrdinalIgnoreCase).ThenBy(name, StringComparer.Ordinal).ToArray();
}
