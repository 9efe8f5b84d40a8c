using System.Collections.Frozen;

namespace McVSphere.VSphere.Vim;

/// <summary>
/// Maps C# enums to vim25 enum strings, which are the member names with a lower-case first letter
/// (<c>PoweredOn</c> ⇄ <c>poweredOn</c>).
/// </summary>
internal static class VimEnum<T> where T : struct, Enum
{
    private static readonly FrozenDictionary<T, string> ToWireNames =
        Enum.GetValues<T>().ToFrozenDictionary(value => value, value => char.ToLowerInvariant(value.ToString()[0]) + value.ToString()[1..]);

    private static readonly FrozenDictionary<string, T> FromWireNames =
        ToWireNames.ToFrozenDictionary(pair => pair.Value, pair => pair.Key, StringComparer.OrdinalIgnoreCase);

    public static string ToWire(T value) => ToWireNames[value];

    /// <summary>The member for a wire name, or <paramref name="unknown"/> for a value this client does not know
    /// (newer servers add enum values).</summary>
    public static T Parse(string? wire, T unknown) =>
        wire is not null && FromWireNames.TryGetValue(wire, out var value) ? value : unknown;
}
