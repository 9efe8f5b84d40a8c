using System.Text.Json;

namespace McVSphere.VSphere.Rest;

/// <summary>How many tags of a category one object may carry.</summary>
public enum TagCardinality
{
    /// <summary>At most one.</summary>
    Single,
    /// <summary>Any number.</summary>
    Multiple,
}

/// <summary>A tag category (<c>com.vmware.cis.tagging.category</c>).</summary>
/// <param name="Id">Its id, e.g. <c>urn:vmomi:InventoryServiceCategory:…:GLOBAL</c>.</param>
/// <param name="Name">Its name, unique on the server.</param>
/// <param name="Description">Its description.</param>
/// <param name="Cardinality"><c>SINGLE</c> or <c>MULTIPLE</c>.</param>
/// <param name="AssociableTypes">The object types its tags may be attached to (e.g. <c>VirtualMachine</c>); empty means all.</param>
public sealed record TagCategory(string Id, string Name, string Description, string Cardinality, IReadOnlyList<string> AssociableTypes)
{
    internal static TagCategory From(JsonElement category) => new(
        category.String("id"),
        category.String("name"),
        category.String("description"),
        category.String("cardinality"),
        category.Strings("associable_types"));
}

/// <summary>A tag (<c>com.vmware.cis.tagging.tag</c>).</summary>
/// <param name="Id">Its id, e.g. <c>urn:vmomi:InventoryServiceTag:…:GLOBAL</c>.</param>
/// <param name="Name">Its name, unique within its category.</param>
/// <param name="Description">Its description.</param>
/// <param name="CategoryId">The id of its category.</param>
public sealed record Tag(string Id, string Name, string Description, string CategoryId)
{
    internal static Tag From(JsonElement tag) => new(tag.String("id"), tag.String("name"), tag.String("description"), tag.String("category_id"));
}

internal static class VapiJson
{
    public static string String(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : "";

    public static IReadOnlyList<string> Strings(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? Strings(value) : [];

    /// <summary>The strings of an array value; an absent value (servers leave empty lists out) is empty.</summary>
    public static IReadOnlyList<string> Strings(JsonElement? value) =>
        value is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray().Select(item => item.GetString()).OfType<string>().ToArray() : [];
}
