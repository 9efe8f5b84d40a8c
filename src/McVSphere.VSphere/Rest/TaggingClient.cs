using System.Text.Json;
using System.Text.Json.Nodes;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Rest;

/// <summary>
/// vSphere tags through the vAPI tagging service (<c>client.Tagging</c>, under <c>/api/cis/tagging</c>, or
/// <c>/rest/com/vmware/cis/tagging</c> on a vCenter without <c>/api</c>): categories, tags, and their attachment to
/// inventory objects. The service has no bulk read of categories or tags: listings fetch each by id, several at a time.
/// </summary>
public sealed class TaggingClient
{
    // The same service under /api/ and under /rest/.
    private const string ApiTagging = "cis/tagging/";
    private const string RestTagging = "com/vmware/cis/tagging/";
    private const string Category = "category";
    private const string TagResource = "tag";
    private const string Association = "tag-association";
    private const int ParallelReads = 8;

    private readonly VapiRestClient _rest;

    internal TaggingClient(VapiRestClient rest) => _rest = rest;

    /// <summary>Every tag category.</summary>
    public async Task<IReadOnlyList<TagCategory>> ListCategoriesAsync(CancellationToken cancellationToken = default)
    {
        var ids = await _rest.SendAsync(Get(Category, "Listing tag categories"), cancellationToken).ConfigureAwait(false);
        return await ReadAllAsync(VapiJson.Strings(ids), GetCategoryAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One tag category.</summary>
    /// <exception cref="VapiException">It does not exist (<see cref="VapiException.IsNotFound"/>).</exception>
    public async Task<TagCategory> GetCategoryAsync(string categoryId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(categoryId);
        var category = await _rest.SendAsync(Get(Category, $"Reading tag category {categoryId}", categoryId), cancellationToken).ConfigureAwait(false);
        return TagCategory.From(category ?? default);
    }

    /// <summary>Every tag.</summary>
    public async Task<IReadOnlyList<Tag>> ListTagsAsync(CancellationToken cancellationToken = default)
    {
        var ids = await _rest.SendAsync(Get(TagResource, "Listing tags"), cancellationToken).ConfigureAwait(false);
        return await ReadAllAsync(VapiJson.Strings(ids), GetTagAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The tags of one category.</summary>
    public async Task<IReadOnlyList<Tag>> ListTagsForCategoryAsync(string categoryId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(categoryId);
        var ids = await _rest.SendAsync(new VapiCall(HttpMethod.Post,
            $"{ApiTagging}{TagResource}?action=list-tags-for-category", new JsonObject { ["category_id"] = categoryId },
            $"{RestTagging}{TagResource}/{RestId(categoryId)}?~action=list-tags-for-category", null,
            $"Listing the tags of category {categoryId}"), cancellationToken).ConfigureAwait(false);
        return await ReadAllAsync(VapiJson.Strings(ids), GetTagAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One tag.</summary>
    /// <exception cref="VapiException">It does not exist (<see cref="VapiException.IsNotFound"/>).</exception>
    public async Task<Tag> GetTagAsync(string tagId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tagId);
        var tag = await _rest.SendAsync(Get(TagResource, $"Reading tag {tagId}", tagId), cancellationToken).ConfigureAwait(false);
        return Tag.From(tag ?? default);
    }

    /// <summary>The tags attached to an inventory object.</summary>
    public async Task<IReadOnlyList<Tag>> ListAttachedTagsAsync(ManagedObjectReference obj, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var ids = await _rest.SendAsync(new VapiCall(HttpMethod.Post,
            $"{ApiTagging}{Association}?action=list-attached-tags", ObjectId(obj),
            $"{RestTagging}{Association}?~action=list-attached-tags", ObjectId(obj),
            $"Listing the tags of {obj}"), cancellationToken).ConfigureAwait(false);
        return await ReadAllAsync(VapiJson.Strings(ids), GetTagAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The inventory objects a tag is attached to.</summary>
    public async Task<IReadOnlyList<ManagedObjectReference>> ListAttachedObjectsAsync(string tagId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tagId);
        var objects = await _rest.SendAsync(new VapiCall(HttpMethod.Post,
            $"{ApiTagging}{Association}/{ApiId(tagId)}?action=list-attached-objects", null,
            $"{RestTagging}{Association}/{RestId(tagId)}?~action=list-attached-objects", new JsonObject(),
            $"Listing the objects tagged {tagId}"), cancellationToken).ConfigureAwait(false);
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
            ["name"] = name,
            ["description"] = description ?? "",
            ["cardinality"] = cardinality == TagCardinality.Single ? "SINGLE" : "MULTIPLE",
            ["associable_types"] = new JsonArray([.. (associableTypes ?? []).Select(type => (JsonNode?)JsonValue.Create(type))]),
        };
        var id = await _rest.SendAsync(Create(Category, spec, $"Creating tag category '{name}'"), cancellationToken).ConfigureAwait(false);
        return CreatedId(id, $"Creating tag category '{name}'");
    }

    /// <summary>Creates a tag in a category and returns its id.</summary>
    /// <exception cref="VapiException">The category has a tag of that name (<see cref="VapiException.IsAlreadyExists"/>).</exception>
    public async Task<string> CreateTagAsync(string categoryId, string name, string? description = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(categoryId);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var spec = new JsonObject { ["name"] = name, ["description"] = description ?? "", ["category_id"] = categoryId };
        var id = await _rest.SendAsync(Create(TagResource, spec, $"Creating tag '{name}'"), cancellationToken).ConfigureAwait(false);
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
        return _rest.SendAsync(new VapiCall(HttpMethod.Post,
            $"{ApiTagging}{Association}/{ApiId(tagId)}?action={action}", ObjectId(obj),
            $"{RestTagging}{Association}/{RestId(tagId)}?~action={action}", ObjectId(obj), operation), cancellationToken);
    }

    /// <summary>Lists a resource's ids, or reads one by id.</summary>
    private static VapiCall Get(string resource, string operation, string? id = null) => id is null
        ? new VapiCall(HttpMethod.Get, ApiTagging + resource, null, RestTagging + resource, null, operation)
        : new VapiCall(HttpMethod.Get, $"{ApiTagging}{resource}/{ApiId(id)}", null, $"{RestTagging}{resource}/{RestId(id)}", null, operation);

    /// <summary>Creates a resource: /api takes the spec as the body, /rest wraps it in <c>create_spec</c>.</summary>
    private static VapiCall Create(string resource, JsonObject spec, string operation) =>
        new(HttpMethod.Post, ApiTagging + resource, spec, RestTagging + resource, new JsonObject { ["create_spec"] = spec.DeepClone() }, operation);

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

    private static string ApiId(string id) => Uri.EscapeDataString(id);

    private static string RestId(string id) => "id:" + Uri.EscapeDataString(id);

    private static string CreatedId(JsonElement? id, string operation) =>
        id is { ValueKind: JsonValueKind.String } value && value.GetString() is { Length: > 0 } text
            ? text
            : throw new VSphereException($"{operation} succeeded but the server returned no id.");
}
