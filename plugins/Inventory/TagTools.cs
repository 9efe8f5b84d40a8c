using System.ComponentModel;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Rest;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.Inventory;

[McpServerToolType]
public sealed class TagTools(IVSphereSession session)
{
    [McpServerTool(Name = "list_tags", UseStructuredContent = true), Description(
        "vSphere tags and their categories (vAPI tagging service). Returns {count, tags, categories}: tags [{name, category, description}] " +
        "sorted by category then name, count = number of tags; categories [{name, description, cardinality (SINGLE|MULTIPLE: tags of the " +
        "category one object may carry), associable_types (object types its tags apply to; empty = all), tag_count}].")]
    [ListsEveryVCenter]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<TagList> ListTags(
        [Description("Only the tags of this category (its name, case-insensitive).")] string? category_name = null,
        CancellationToken cancellationToken = default)
    {
        var tagging = session.Client.Tagging;
        var categories = await tagging.ListCategoriesAsync(cancellationToken);
        IReadOnlyList<Tag> tags;
        if (category_name is null)
        {
            tags = await tagging.ListTagsAsync(cancellationToken);
        }
        else
        {
            var category = categories.FirstOrDefault(candidate => string.Equals(candidate.Name, category_name, StringComparison.Ordinal))
                ?? categories.FirstOrDefault(candidate => string.Equals(candidate.Name, category_name, StringComparison.OrdinalIgnoreCase))
                ?? throw new ToolException(ToolErrorKind.NotFound,
                    categories.Count == 0 ? $"category_name: there is no tag category named '{category_name}' (there are no categories at all)."
                        : $"category_name: there is no tag category named '{category_name}'.",
                    "category_name", ClosestNames.Find(category_name, categories.Select(candidate => candidate.Name)));
            categories = [category];
            tags = await tagging.ListTagsForCategoryAsync(category.Id, cancellationToken);
        }

        var categoryNames = categories.ToDictionary(category => category.Id, category => category.Name, StringComparer.Ordinal);
        var shapedTags = tags
            .Select(tag => new TagSummary(tag.Name, categoryNames.GetValueOrDefault(tag.CategoryId, tag.CategoryId), NullIfEmpty(tag.Description)))
            .OrderBy(tag => tag.Category, StringComparer.OrdinalIgnoreCase)
            .ThenBy(tag => tag.Name, StringComparer.OrdinalIgnoreCase)
            .ToArray();
        var shapedCategories = categories
            .Select(category => new CategorySummary(category.Name, NullIfEmpty(category.Description), category.Cardinality, category.AssociableTypes,
                tags.Count(tag => tag.CategoryId == category.Id)))
            .SortedByName(category => category.Name);
        return new TagList(shapedTags.Length, shapedTags, shapedCategories);
    }

    [McpServerTool(Name = "get_vm_tags", UseStructuredContent = true), Description(
        "The tags attached to a VM (vAPI tagging service): {vm, count, tags [{name, category, description}]} sorted by category then name.")]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<VmTags> GetVmTags(
        [Description("The VM's name (or inventory path).")] string vm_name,
        CancellationToken cancellationToken = default)
    {
        var client = session.Client;
        var vm = await client.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, vm_name, cancellationToken);
        var tags = await client.Tagging.ListAttachedTagsAsync(vm.Ref, cancellationToken);
        var categories = await Task.WhenAll(tags.Select(tag => tag.CategoryId).Distinct(StringComparer.Ordinal)
            .Select(id => client.Tagging.GetCategoryAsync(id, cancellationToken)));
        var categoryNames = categories.ToDictionary(category => category.Id, category => category.Name, StringComparer.Ordinal);
        var shaped = tags
            .Select(tag => new TagSummary(tag.Name, categoryNames.GetValueOrDefault(tag.CategoryId, tag.CategoryId), NullIfEmpty(tag.Description)))
            .OrderBy(tag => tag.Category, StringComparer.OrdinalIgnoreCase)
            .ThenBy(tag => tag.Name, StringComparer.OrdinalIgnoreCase)
            .ToArray();
        return new VmTags(vm.Name, shaped.Length, shaped);
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}

/// <summary>A tag of list_tags and get_vm_tags.</summary>
public sealed record TagSummary(string Name, string Category, string? Description);

/// <summary>A category of list_tags.</summary>
public sealed record CategorySummary(string Name, string? Description, string Cardinality, IReadOnlyList<string> AssociableTypes, int TagCount);

/// <summary>The result of list_tags.</summary>
public sealed record TagList(int Count, IReadOnlyList<TagSummary> Tags, IReadOnlyList<CategorySummary> Categories);

/// <summary>The result of get_vm_tags.</summary>
public sealed record VmTags(string Vm, int Count, IReadOnlyList<TagSummary> Tags);
