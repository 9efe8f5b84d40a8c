using System.Text.Json;
using System.Text.Json.Nodes;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Rest;

/// <summary>
/// vSphere tags through the vAPI REST tagging service (<c>client.Tagging</c>, under <c>/rest/com/vmware/cis/tagging</c>):
/// categories, tags, and their attachment to inventory objects. The service has no bulk read: listings fetch each
/// category or tag by id, several at a time.
/// </summary>
public sealed class TaggingClient
{
    private const string CategoryPath = "com/vmware/cis/tagging/category";
    private const string TagPath = "com/vmware/cis/tagging/tag";
    private const string AssociationPath = "com/vmware/cis/tagging/tag-association";
    private const int ParallelReads = 8;

    private readonly VapiRestClient _rest;

    internal TaggingClient(VapiRestClient rest) => _rest = rest;

    /// <summary>Every tag category.</summary>
    public async Task<IReadOnlyList<TagCategory>> ListCategoriesAsync(CancellationToken cancellationToken = default)
    {
        var ids = await _rest.SendAsync(HttpMethod.Get, CategoryPath, null, "Listing tag categories", cancellationToken).ConfigureAwait(false);
        return await ReadAllAsync(VapiJson.Strings(ids), GetCategoryAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One tag category.</summary>
    /// <exception cref="VapiException">It does not exist (<see cref="VapiException.IsNotFound"/>).</exception>
    public async Task<TagCategory> GetCategoryAsync(string categoryId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(categoryId);
        var category = await _rest.SendAsync(HttpMethod.Get, $"{CategoryPath}/{Id(categoryId)}", null, $"Reading tag category {categoryId}",
            cancellationToken).ConfigureAwait(false);
        return TagCategory.From(category ?? default);
    }

    /// <summary>Every tag.</summary>
    public async Task<IReadOnlyList<Tag>> ListTagsAsync(CancellationToken cancellationToken = default)
    {
        var ids = await _rest.SendAsync(HttpMethod.Get, TagPath, null, "Listing tags", cancellationToken).ConfigureAwait(false);
        return await ReadAllAsync(VapiJson.Strings(ids), GetTagAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The tags of one category.</summary>
    public async Task<IReadOnlyList<Tag>> ListTagsForCategoryAsync(string categoryId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(categoryId);
        var ids = await _rest.SendAsync(HttpMethod.Post, $"{TagPath}/{Id(categoryId)}?~action=list-tags-for-category", null,
            $"Listing the tags of category {categoryId}", cancellationToken).ConfigureAwait(false);
        return await ReadAllAsync(VapiJson.Strings(ids), GetTagAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One tag.</summary>
    /// <exception cref="VapiException">It does not exist (<see cref="VapiException.IsNotFound"/>).</exception>
    public async Task<Tag> GetTagAsync(string tagId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tagId);
        var tag = await _rest.SendAsync(HttpMethod.Get, $"{TagPath}/{Id(tagId)}", null, $"Reading tag {tagId}", cancellationToken).ConfigureAwait(false);
        return Tag.From(tag ?? default);
    }

    /// <summary>The tags attached to an inventory object.</summary>
    public async Task<IReadOnlyList<Tag>> ListAttachedTagsAsync(ManagedObjectReference obj, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var ids = await _rest.SendAsync(HttpMethod.Post, $"{AssociationPath}?~action=list-attached-tags", ObjectId(obj),
            $"Listing the tags of {obj}", cancellationToken).ConfigureAwait(false);
        return await ReadAllAsync(VapiJson.Strings(ids), GetTagAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The inventory objects a tag is attached to.</summary>
    public async Task<IReadOnlyList<ManagedObjectReference>> ListAttachedObjectsAsync(string tagId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tagId);
        var objects = await _rest.SendAsync(HttpMethod.Post, $"{AssociationPath}/{Id(tagId)}?~action=list-attached-objects", new JsonObject(),
            $"Listing the objects tagged {tagId}", cancellationToken).ConfigureAwait(false);
        return objects is { ValueKind: JsonValueKind.Array } array
            ? array.EnumerateArray()
                .Where(item => item.String("type").Length > 0 && item.String("id").Length > 0)
                .Select(item => new ManagedObjectReference(item.String("type"), item.String("id")))
                .ToArray()
            : [];
    }

    /// <summary>Creates a tag category and returns its id.</summary>
    /// <exception cref="VapiException">A category of that name exists (<see cref="VapiException.IsAlreadyExists"/>).</exception>
    public async Task<string> CreateCategoryAsync(string name, string? description = null, TagCardinality cardinality = TagCardinality.Multiple,
        IEnumerable<string>? associableTypes = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var spec = new JsonObject
        {
            ["create_spec"] = new JsonObject
            {
                ["name"] = name,
                ["description"] = description ?? "",
                ["cardinality"] = cardinality == TagCardinality.Single ? "SINGLE" : "MULTIPLE",
                ["associable_types"] = new JsonArray([.. (associableTypes ?? []).Select(type => (JsonNode?)JsonValue.Create(type))]),
            },
        };
        var id = await _rest.SendAsync(HttpMethod.Post, CategoryPath, spec, $"Creating tag category '{name}'", cancellationToken).ConfigureAwait(false);
        return CreatedId(id, $"Creating tag category '{name}'");
    }

    /// <summary>Creates a tag in a category and returns its id.</summary>
    /// <exception cref="VapiException">The category has a tag of that name (<see cref="VapiException.IsAlreadyExists"/>).</exception>
    public async Task<string> CreateTagAsync(string categoryId, string name, string? description = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(categoryId);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var spec = new JsonObject
        {
            ["create_spec"] = new JsonObject { ["name"] = name, ["description"] = description ?? "", ["category_id"] = categoryId },
        };
        var id = await _rest.SendAsync(HttpMethod.Post, TagPath, spec, $"Creating tag '{name}'", cancellationToken).ConfigureAwait(false);
        return CreatedId(id, $"Creating tag '{name}'");
    }

    /// <summary>Attaches a tag to an inventory object (attaching it again changes nothing).</summary>
    public Task AttachTagAsync(string tagId, ManagedObjectReference obj, CancellationToken cancellationToken = default) =>
        AssociateAsync("attach", tagId, obj, $"Attaching tag {tagId} to {obj}", cancellationToken);

    /// <summary>Detaches a tag from an inventory object.</summary>
    public Task DetachTagAsync(string tagId, ManagedObjectReference obj, CancellationToken cancellationToken = default) =>
        AssociateAsync("detach", tagId, obj, $"Detaching tag {tagId} from {obj}", cancellationToken);

    private Task AssociateAsync(string action, string tagId, ManagedObjectReference obj, string operation, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tagId);
        ArgumentNullException.ThrowIfNull(obj);
        return _rest.SendAsync(HttpMethod.Post, $"{AssociationPath}/{Id(tagId)}?~action={action}", ObjectId(obj), operation, cancellationToken);
    }

    /// <summary>Reads items by id, a few at a time, keeping the order of the ids.</summary>
    private static async Task<IReadOnlyList<T>> ReadAllAsync<T>(IReadOnlyList<string> ids, Func<string, CancellationToken, Task<T>> read,
        CancellationToken cancellationToken)
    {
        var items = new T[ids.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, ids.Count),
            new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
            async (index, token) => items[index] = await read(ids[index], token).ConfigureAwait(false)).ConfigureAwait(false);
        return items;
    }

    private static JsonObject ObjectId(ManagedObjectReference obj) =>
        new() { ["object_id"] = new JsonObject { ["type"] = obj.Type, ["id"] = obj.Value } };

    private static string Id(string id) => "id:" + Uri.EscapeDataString(id);

    private static string CreatedId(JsonElement? id, string operation) =>
        id is { ValueKind: JsonValueKind.String } value && value.GetString() is { Length: > 0 } text
            ? text
            : throw new VSphereException($"{operation} succeeded but the server returned no id.");
}
