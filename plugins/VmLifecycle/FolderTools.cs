using System.ComponentModel;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Progress;
using McVSphere.Sdk.Safety;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.VmLifecycle;

/// <summary>VM folders.</summary>
[McpServerToolType]
public sealed class FolderTools(IVSphereSession session)
{
    /// <summary>How many of a folder's contents a refusal names.</summary>
    private const int ContentsNamed = 10;

    [McpServerTool(Name = "create_folder", UseStructuredContent = true)]
    [Description("Creates a VM folder, in the folder given (name or inventory path, e.g. \"DC0/vm/Lab\") or else at the top of the " +
        "configured (else first) datacenter's VMs. vSphere refuses a name the parent folder already holds.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("create folder '{folder_name}' (in: {parent_path})")]
    public async Task<FolderCreated> CreateFolder(
        [Description("Name of the new folder (at most 80 characters, no '/').")] string folder_name,
        [Description("The parent folder's name or inventory path; default: the datacenter's VM folder.")] string? parent_path = null,
        CancellationToken cancellationToken = default)
    {
        VmLocator.RequireName(folder_name, nameof(folder_name));
        var client = session.Client;
        var parent = parent_path is null
            ? (await VmPlacement.ReadAsync(session, cancellationToken)).DefaultVmFolder()
            : (await FindVmFolderAsync(client, parent_path, nameof(parent_path), cancellationToken)).Ref;
        var folder = await client.CreateFolderAsync(parent, folder_name, cancellationToken);
        return new FolderCreated(await InventoryReads.PathOfAsync(client, VSphereObjectKind.Folder, folder, cancellationToken));
    }

    [McpServerTool(Name = "delete_folder", Destructive = true, UseStructuredContent = true)]
    [Description("Deletes a VM folder. Refuses a folder that holds anything unless force=true, which deletes it with everything in it " +
        "(sub-folders, VMs and their files).")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("delete folder '{folder_path}' (with everything in it: {force})", DestroysWhen = "force")]
    public async Task<FolderDeleted> DeleteFolder(
        [Description("The folder's name or inventory path, e.g. \"DC0/vm/Lab\".")] string folder_path,
        IProgress<ProgressNotificationValue> progress,
        [Description("Delete the folder with everything in it instead of refusing.")] bool force = false,
        CancellationToken cancellationToken = default)
    {
        var client = session.Client;
        var folder = await FindVmFolderAsync(client, folder_path, nameof(folder_path), cancellationToken);
        var content = await client.Properties.RetrieveAsync(folder.Ref, ["parent", "childEntity"], cancellationToken);
        if (content.GetReference("parent") is not { Type: "Folder" })
        {
            throw ToolException.Refused($"'{folder.Path}' is the VM folder of its datacenter, which vSphere does not delete.", nameof(folder_path));
        }
        var children = content.GetReferences("childEntity");
        if (children.Count > 0 && !force)
        {
            var names = await InventoryReads.NamesAsync(client, children.Take(ContentsNamed), cancellationToken);
            var listed = string.Join(", ", names.Values.Order(StringComparer.Ordinal).Select(name => $"'{name}'"));
            throw ToolException.Refused(
                $"'{folder.Path}' holds {children.Count} object(s) ({listed}{(children.Count > ContentsNamed ? ", ..." : "")}). " +
                "Move or delete them first, or call delete_folder with force=true to delete the folder with everything in it.",
                nameof(force));
        }
        await client.DestroyAsync(folder.Ref, progress.ForVSphereTask($"Deleting {folder.Path}"), cancellationToken);
        if (await InventoryReads.ExistsAsync(client, folder.Ref, cancellationToken))
        {
            throw new VSphereException($"vSphere reported '{folder.Path}' deleted, but it still exists.");
        }
        return new FolderDeleted(folder.Path, Deleted: true, children.Count);
    }

    /// <summary>A folder by name or path that holds VMs (not hosts, datastores or networks).</summary>
    internal static async Task<InventoryObject> FindVmFolderAsync(VSphereClient client, string nameOrPath, string argument, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(nameOrPath))
        {
            throw ToolException.InvalidArgument(argument, $"{argument} is required: give a folder's name or inventory path, e.g. DC0/vm.");
        }
        var folder = await client.Lookup.FindAsync(VSphereObjectKind.Folder, nameOrPath, cancellationToken);
        var childTypes = (await client.Properties.RetrieveAsync(folder.Ref, ["childType"], cancellationToken)).GetStrings("childType");
        return childTypes.Contains("VirtualMachine")
            ? folder
            : throw ToolException.InvalidArgument(argument,
                $"'{folder.Path}' is a folder of {string.Join(", ", childTypes)}, not of VMs; VM folders are under a datacenter's 'vm' folder, e.g. 'DC0/vm'.");
    }
}

/// <summary>The result of create_folder.</summary>
/// <param name="Path">The new folder's inventory path, read back from vSphere.</param>
public sealed record FolderCreated(string Path);

/// <summary>The result of delete_folder.</summary>
/// <param name="Folder">The deleted folder's path.</param>
/// <param name="Deleted">True: vSphere no longer knows the folder.</param>
/// <param name="ObjectsDeletedWithIt">How many objects it held (deleted with it, by force).</param>
public sealed record FolderDeleted(string Folder, bool Deleted, int ObjectsDeletedWithIt);
