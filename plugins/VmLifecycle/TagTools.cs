using System.ComponentModel;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Safety;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Rest;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.VmLifecycle;

/// <summary>Attaching vSphere tags to VMs and detaching them, through the vAPI tagging service.</summary>
[McpServerToolType]
public sealed class TagTools(IVSphereSession session)
{
    private const string VmType = "VirtualMachine";

    [McpServerTool(Name = "apply_tag_to_vm", Idempotent = true, UseStructuredContent = true), Description("Attaches a vSphere tag to a VM. Tag names are unique only " +
        "within a category: give category_name when tags of several categories share the name. A tag already attached is left as it is. " +
        "Returns the VM's tags as vSphere reports them afterwards.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("attach tag {tag_name} to VM '{vm_name}'")]
    public async Task<VmTagChange> ApplyTagToVm(
        [Description("The VM's name or inventory path.")] string vm_name,
        [Description("The tag's name.")] string tag_name,
        [Description("The tag's category, to tell apart tags of the same name in several categories.")] string? category_name = null,
        CancellationToken cancellationToken = default)
    {
        var (vm, target) = await FindAsync(vm_name, tag_name, category_name, cancellationToken);
        var tagging = session.Client.Tagging;
        var before = await tagging.ListAttachedTagsAsync(vm.Ref, cancellationToken);
        var alreadyAttached = before.Any(tag => tag.Id == target.Tag.Id);
        if (!alreadyAttached)
        {
            RequireAttachable(vm, target, before);
            await tagging.AttachTagAsync(target.Tag.Id, vm.Ref, cancellationToken);
        }
        var after = await ReadTagsAsync(vm, cancellationToken);
        if (!after.Any(tag => tag.Name == target.Tag.Name && tag.Category == target.Category.Name))
        {
            throw new ToolException(ToolErrorKind.NotSupported, $"vSphere accepted the tag '{target.Tag.Name}', but VM '{vm.Name}' does not show it.");
        }
        return new VmTagChange(vm.Name, target.Tag.Name, target.Category.Name, Changed: !alreadyAttached, after);
    }

    [McpServerTool(Name = "remove_tag_from_vm", Destructive = true, Idempotent = true, UseStructuredContent = true), Description("Detaches a vSphere tag from a VM (the " +
        "tag itself stays). Give category_name when tags of several categories share the name. A tag that is not attached is left as it is. " +
        "Returns the VM's tags as vSphere reports them afterwards.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("detach tag {tag_name} from VM '{vm_name}'")]
    public async Task<VmTagChange> RemoveTagFromVm(
        [Description("The VM's name or inventory path.")] string vm_name,
        [Description("The tag's name.")] string tag_name,
        [Description("The tag's category, to tell apart tags of the same name in several categories.")] string? category_name = null,
        CancellationToken cancellationToken = default)
    {
        var (vm, target) = await FindAsync(vm_name, tag_name, category_name, cancellationToken);
        var tagging = session.Client.Tagging;
        var attached = (await tagging.ListAttachedTagsAsync(vm.Ref, cancellationToken)).Any(tag => tag.Id == target.Tag.Id);
        if (attached)
        {
            await tagging.DetachTagAsync(target.Tag.Id, vm.Ref, cancellationToken);
        }
        var after = await ReadTagsAsync(vm, cancellationToken);
        if (after.Any(tag => tag.Name == target.Tag.Name && tag.Category == target.Category.Name))
        {
            throw new ToolException(ToolErrorKind.NotSupported, $"vSphere accepted the removal of tag '{target.Tag.Name}', but VM '{vm.Name}' still shows it.");
        }
        return new VmTagChange(vm.Name, target.Tag.Name, target.Category.Name, Changed: attached, after);
    }

    /// <summary>Finds the VM and the tag, turning a tag or category that cannot be told into an error on the argument at fault.</summary>
    private async Task<(InventoryObject Vm, CategorizedTag Tag)> FindAsync(string vmName, string tagName, string? categoryName, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(vmName))
        {
            throw ToolException.InvalidArgument("vm_name", "vm_name is required: give the name or inventory path of a VM.");
        }
        if (string.IsNullOrWhiteSpace(tagName))
        {
            throw ToolException.InvalidArgument("tag_name", "tag_name is required: give the name of a tag (list_tags shows them).");
        }
        var vm = await session.Client.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, vmName, cancellationToken);
        try
        {
            return (vm, await session.Client.Tagging.FindTagAsync(tagName, categoryName, cancellationToken));
        }
        catch (TagLookupException error)
        {
            var argument = error.CategoryAtFault ? "category_name" : "tag_name";
            throw new ToolException(error.IsAmbiguous ? ToolErrorKind.Ambiguous : ToolErrorKind.NotFound, $"{argument}: {error.Message}", argument);
        }
    }

    /// <summary>Refuses what vSphere refuses: a category whose tags do not apply to VMs, or a second tag of a one-tag-per-object category.</summary>
    private static void RequireAttachable(InventoryObject vm, CategorizedTag target, IReadOnlyList<Tag> attached)
    {
        var category = target.Category;
        if (category.AssociableTypes.Count > 0 && !category.AssociableTypes.Contains(VmType, StringComparer.Ordinal))
        {
            throw ToolException.Refused($"Tags of category '{category.Name}' apply to {string.Join(", ", category.AssociableTypes)}, not to VMs; " +
                "choose a tag of a category that applies to VMs.", "tag_name");
        }
        if (category.Cardinality == "SINGLE" && attached.FirstOrDefault(tag => tag.CategoryId == category.Id) is { } current)
        {
            throw ToolException.Refused($"VM '{vm.Name}' already carries tag '{current.Name}' of category '{category.Name}', which allows one tag " +
                "per object: remove it with remove_tag_from_vm first.", "tag_name");
        }
    }

    /// <summary>The VM's tags with their categories' names, as the tagging service reports them.</summary>
    private async Task<IReadOnlyList<VmTag>> ReadTagsAsync(InventoryObject vm, CancellationToken cancellationToken)
    {
        var tagging = session.Client.Tagging;
        var tags = await tagging.ListAttachedTagsAsync(vm.Ref, cancellationToken);
        var categories = await Task.WhenAll(tags.Select(tag => tag.CategoryId).Distinct(StringComparer.Ordinal)
            .Select(id => tagging.GetCategoryAsync(id, cancellationToken)));
        var categoryNames = categories.ToDictionary(category => category.Id, category => category.Name, StringComparer.Ordinal);
        return tags
            .Select(tag => new VmTag(tag.Name, categoryNames.GetValueOrDefault(tag.CategoryId, tag.CategoryId)))
            .OrderBy(tag => tag.Category, StringComparer.OrdinalIgnoreCase)
            .ThenBy(tag => tag.Name, StringComparer.OrdinalIgnoreCase)
            .ToArray();
    }
}

/// <summary>A tag attached to a VM.</summary>
public sealed record VmTag(string Name, string Category);

/// <summary>The result of apply_tag_to_vm and remove_tag_from_vm.</summary>
/// <param name="Vm">The VM.</param>
/// <param name="Tag">The tag attached or detached.</param>
/// <param name="Category">Its category.</param>
/// <param name="Changed">False when the VM already had (or did not have) the tag, so nothing was done.</param>
/// <param name="Tags">The VM's tags afterwards, as vSphere reports them.</param>
public sealed record VmTagChange(string Vm, string Tag, string Category, bool Changed, IReadOnlyList<VmTag> Tags);
