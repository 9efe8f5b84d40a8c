using System.ComponentModel;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Vim;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.Inventory;

[McpServerToolType]
public sealed class FolderTools(IVSphereSession session)
{
    /// <summary>Folder types by what they hold (Folder.childType), in the order tried.</summary>
    private static readonly (string Type, string ChildType)[] FolderTypes =
    [
        ("vm", "VirtualMachine"), ("host", "ComputeResource"), ("datastore", "Datastore"), ("network", "Network"), ("datacenter", "Datacenter"),
    ];

    [McpServerTool(Name = "list_folders", UseStructuredContent = true), Description(
        "Lists inventory folders in one bulk read: VM folders, host folders, datastore folders and network folders of every datacenter. " +
        ListFilters.ListingFields + " Items are sorted by path; each: name, path (e.g. 'DC0/vm/Lab'; use it as folder_path elsewhere), type (vm|host|datastore|" +
        "network|datacenter), children (number of direct children).")]
    [ListsEveryVCenter]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<Listing<FolderSummary>> ListFolders(
        [Description(ListFilters.NamePatternDescription)] string? name_pattern = null,
        [Description("Only folders of this type: vm, host, datastore, network or datacenter.")] string? folder_type = null,
        [Description(ListFilters.LimitDescription)] int? limit = null,
        CancellationToken cancellationToken = default)
    {
        var matchesName = ListFilters.NameMatcher(name_pattern);
        var type = folder_type is null ? null
            : FolderTypes.Select(known => known.Type).FirstOrDefault(known => string.Equals(known, folder_type.Trim(), StringComparison.OrdinalIgnoreCase))
              ?? throw ToolException.InvalidArgument("folder_type", $"folder_type '{folder_type}' is not a folder type.",
                  FolderTypes.Select(known => known.Type).ToArray());
        ListFilters.CheckLimit(limit);

        var snapshot = await InventorySnapshot.ReadAsync(session.Client, [new PropertySpec { Type = "Folder", PathSet = ["childType", "childEntity"] }],
            cancellationToken);
        var matching = snapshot.OfType("Folder")
            .Select(folder => new FolderSummary(
                folder.GetString("name") ?? folder.Ref.Value,
                snapshot.PathOf(folder.Ref),
                TypeOf(folder.GetStrings("childType")),
                folder.GetReferences("childEntity").Count))
            .Where(folder => matchesName(folder.Name) && (type is null || folder.Type == type))
            .OrderBy(folder => folder.Path, StringComparer.OrdinalIgnoreCase)
            .ToArray();
        return ListFilters.Take(matching, limit);
    }

    private static string TypeOf(IReadOnlyList<string> childTypes) =>
        FolderTypes.FirstOrDefault(known => childTypes.Contains(known.ChildType, StringComparer.Ordinal)).Type ?? "other";
}

/// <summary>One folder of list_folders.</summary>
public sealed record FolderSummary(string Name, string Path, string Type, int Children);
