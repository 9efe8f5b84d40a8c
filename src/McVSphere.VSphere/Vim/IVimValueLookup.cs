namespace McVSphere.VSphere.Vim;

/// <summary>Something that holds vSphere values by property path: a data object (<see cref="VimObject"/>) or an object's
/// retrieved properties (<c>ObjectContent</c>). The extension methods of <see cref="VimValueLookupExtensions"/> read typed
/// values from it.</summary>
public interface IVimValueLookup
{
    /// <summary>The value at a property path (<c>name</c>, <c>summary.config.numCpu</c>), or null when unset.</summary>
    VimValue? this[string path] { get; }
}

/// <summary>Typed reads of optional values: each returns null (or an empty list) when the path is unset.</summary>
public static class VimValueLookupExtensions
{
    /// <summary>The string (or enum) at a path.</summary>
    public static string? GetString(this IVimValueLookup source, string path) => source[path]?.AsString();

    /// <summary>The boolean at a path.</summary>
    public static bool? GetBoolean(this IVimValueLookup source, string path) => source[path]?.AsBoolean();

    /// <summary>The integer at a path.</summary>
    public static int? GetInt32(this IVimValueLookup source, string path) => source[path]?.AsInt32();

    /// <summary>The 64-bit integer at a path.</summary>
    public static long? GetInt64(this IVimValueLookup source, string path) => source[path]?.AsInt64();

    /// <summary>The floating point number at a path.</summary>
    public static double? GetDouble(this IVimValueLookup source, string path) => source[path]?.AsDouble();

    /// <summary>The date and time at a path.</summary>
    public static DateTimeOffset? GetDateTime(this IVimValueLookup source, string path) => source[path]?.AsDateTime();

    /// <summary>The managed object reference at a path.</summary>
    public static ManagedObjectReference? GetReference(this IVimValueLookup source, string path) => source[path]?.AsReference();

    /// <summary>The data object at a path.</summary>
    public static VimObject? GetObject(this IVimValueLookup source, string path) => source[path]?.AsObject();

    /// <summary>The items of the array at a path; empty when unset.</summary>
    public static IReadOnlyList<VimValue> GetArray(this IVimValueLookup source, string path) => source[path]?.AsArray() ?? [];

    /// <summary>The strings of the array at a path; empty when unset.</summary>
    public static IReadOnlyList<string> GetStrings(this IVimValueLookup source, string path) => source[path]?.AsStrings() ?? [];

    /// <summary>The managed object references of the array at a path; empty when unset.</summary>
    public static IReadOnlyList<ManagedObjectReference> GetReferences(this IVimValueLookup source, string path) =>
        source[path]?.AsReferences() ?? [];

    /// <summary>The enum value at a path, or <paramref name="unknown"/> for a value this client does not know; null when unset.</summary>
    public static TEnum? GetEnum<TEnum>(this IVimValueLookup source, string path, TEnum unknown) where TEnum : struct, Enum =>
        source[path] is { } value ? VimEnum<TEnum>.Parse(value.AsString(), unknown) : null;
}
