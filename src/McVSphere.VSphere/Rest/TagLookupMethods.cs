using McVSphere.VSphere.Lookup;

namespace McVSphere.VSphere.Rest;

/// <summary>A tag with its category.</summary>
/// <param name="Tag">The tag.</param>
/// <param name="Category">Its category.</param>
public sealed record CategorizedTag(Tag Tag, TagCategory Category);

/// <summary>Finding tags and categories by name (the tagging service itself knows them by id only).</summary>
public static class TagLookupMethods
{
    /// <summary>
    /// Finds a tag by name: an exact name, else a unique case-insensitive one. Tag names are unique only within a
    /// category, so <paramref name="categoryName"/> (found the same way) picks among tags of several categories.
    /// </summary>
    /// <exception cref="TagLookupException">No such category or tag (with the closest names), or tags of several categories
    /// have the name and no category was given (with those categories).</exception>
    public static async Task<CategorizedTag> FindTagAsync(this TaggingClient tagging, string tagName, string? categoryName = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tagging);
        ArgumentException.ThrowIfNullOrWhiteSpace(tagName);
        if (!string.IsNullOrWhiteSpace(categoryName))
        {
            var category = await tagging.FindCategoryAsync(categoryName, cancellationToken).ConfigureAwait(false);
            var tagsOfCategory = await tagging.ListTagsForCategoryAsync(category.Id, cancellationToken).ConfigureAwait(false);
            var matches = Matches(tagsOfCategory, tag => tag.Name, tagName);
            return matches.Count == 1
                ? new CategorizedTag(matches[0], category)
                : throw new TagLookupException(
                    $"Category '{category.Name}' has no tag named '{tagName}'" + Suggest(tagName, tagsOfCategory.Select(tag => tag.Name), "its tags are"),
                    categoryAtFault: false, isAmbiguous: false, ClosestNames.Find(tagName, tagsOfCategory.Select(tag => tag.Name)));
        }

        var tags = await tagging.ListTagsAsync(cancellationToken).ConfigureAwait(false);
        var named = Matches(tags, tag => tag.Name, tagName);
        if (named.Count == 0)
        {
            throw new TagLookupException($"No tag is named '{tagName}'" + Suggest(tagName, tags.Select(tag => tag.Name), "the tags are"),
                categoryAtFault: false, isAmbiguous: false, ClosestNames.Find(tagName, tags.Select(tag => tag.Name)));
        }
        var categories = await Task.WhenAll(named.Select(tag => tag.CategoryId).Distinct(StringComparer.Ordinal)
            .Select(id => tagging.GetCategoryAsync(id, cancellationToken))).ConfigureAwait(false);
        if (named.Count > 1)
        {
            var categoryNames = categories.Select(category => category.Name).Order(StringComparer.Ordinal).ToArray();
            throw new TagLookupException(
                $"Tags of {categoryNames.Length} categories are named '{tagName}': {string.Join(", ", categoryNames.Select(name => $"'{name}'"))}. " +
                "Name the category of the one you mean.",
                categoryAtFault: true, isAmbiguous: true, categoryNames);
        }
        return new CategorizedTag(named[0], categories.Single());
    }

    /// <summary>Finds a tag category by name: an exact name, else a unique case-insensitive one.</summary>
    /// <exception cref="TagLookupException">No category has that name; the closest names are listed.</exception>
    public static async Task<TagCategory> FindCategoryAsync(this TaggingClient tagging, string categoryName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tagging);
        ArgumentException.ThrowIfNullOrWhiteSpace(categoryName);
        var categories = await tagging.ListCategoriesAsync(cancellationToken).ConfigureAwait(false);
        var matches = Matches(categories, category => category.Name, categoryName);
        return matches.Count == 1
            ? matches[0]
            : throw new TagLookupException(
                $"No tag category is named '{categoryName}'" + Suggest(categoryName, categories.Select(category => category.Name), "the categories are"),
                categoryAtFault: true, isAmbiguous: false, ClosestNames.Find(categoryName, categories.Select(category => category.Name)));
    }

    /// <summary>The items named exactly <paramref name="name"/>; else those named so ignoring case.</summary>
    private static IReadOnlyList<T> Matches<T>(IReadOnlyList<T> items, Func<T, string> nameOf, string name)
    {
        var exact = items.Where(item => string.Equals(nameOf(item), name, StringComparison.Ordinal)).ToArray();
        return exact.Length > 0 ? exact : items.Where(item => string.Equals(nameOf(item), name.Trim(), StringComparison.OrdinalIgnoreCase)).ToArray();
    }

    /// <summary>The end of a not-found sentence: the closest names (or all, when few exist), or that there are none.</summary>
    private static string Suggest(string name, IEnumerable<string> existing, string allLead)
    {
        var names = existing.Distinct(StringComparer.Ordinal).ToArray();
        if (names.Length == 0)
        {
            return ": there are none.";
        }
        var closest = ClosestNames.Find(name, names);
        return closest.Count > 0
            ? $". Did you mean: {string.Join(", ", closest.Select(match => $"'{match}'"))}?"
            : names.Length <= ClosestNames.MaxSuggestions
                ? $"; {allLead} {string.Join(", ", names.Order(StringComparer.Ordinal).Select(match => $"'{match}'"))}."
                : $", and none of the {names.Length} that exist has a similar name.";
    }
}
