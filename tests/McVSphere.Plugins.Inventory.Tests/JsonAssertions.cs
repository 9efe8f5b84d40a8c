using System.Text.Json;

namespace McVSphere.Plugins.Inventory.Tests;

/// <summary>Reading tool results in assertions.</summary>
internal static class JsonAssertions
{
    /// <summary>The items of a listing ({total, returned, truncated, items}).</summary>
    public static JsonElement[] Items(this JsonElement listing) => listing.GetProperty("items").EnumerateArray().ToArray();

    /// <summary>The elements of an array property.</summary>
    public static JsonElement[] Array(this JsonElement element, string property) => element.GetProperty(property).EnumerateArray().ToArray();

    /// <summary>The string property of each element.</summary>
    public static string[] Strings(this IEnumerable<JsonElement> elements, string property = "name") =>
        elements.Select(element => element.GetProperty(property).GetString() ?? "(null)").ToArray();

    /// <summary>The strings of an array property.</summary>
    public static string[] Strings(this JsonElement element, string property) =>
        element.GetProperty(property).EnumerateArray().Select(item => item.GetString() ?? "(null)").ToArray();

    public static string? String(this JsonElement element, string property) => element.GetProperty(property).GetString();

    public static int Int(this JsonElement element, string property) => element.GetProperty(property).GetInt32();

    public static double Double(this JsonElement element, string property) => element.GetProperty(property).GetDouble();

    public static bool Bool(this JsonElement element, string property) => element.GetProperty(property).GetBoolean();

    public static bool Has(this JsonElement element, string property) => element.TryGetProperty(property, out _);
}
