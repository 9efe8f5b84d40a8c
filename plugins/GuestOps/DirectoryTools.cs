using System.ComponentModel;
using McVSphere.Sdk.Safety;
using McVSphere.Sdk.Security;
using McVSphere.VSphere.Vim;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.GuestOps;

/// <summary>Listing and creating directories in the guest.</summary>
[McpServerToolType]
public sealed class DirectoryTools(GuestOperations guest)
{
    private const int PageSize = 500;

    /// <summary>The most entries listed: a larger directory is cut, and said to be.</summary>
    private const int MaxEntries = 5000;

    [McpServerTool(Name = "list_guest_directory", ReadOnly = true, Idempotent = true, UseStructuredContent = true)]
    [Description("Lists a directory in the guest OS through VMware Tools: each entry's name, type, size, modification time and, on " +
        "Linux, mode and owner (at most 5,000 entries). Guest credentials: username and password, or those configured on the server for the VM.")]
    [RequiresPermission(PermissionLevel.FullAdmin)]
    public async Task<DirectoryListing> ListGuestDirectory(
        [Description(GuestDescriptions.Vm)] string name,
        [Description("Absolute path of the directory in the guest, e.g. /var/log or C:\\Windows\\Temp.")] string guest_path,
        [Description(GuestDescriptions.Username)] string? username = null,
        [Description(GuestDescriptions.Password)] string? password = null,
        CancellationToken cancellationToken = default)
    {
        GuestPath.RequireAbsolute(guest_path, nameof(guest_path));
        var vm = await guest.OpenAsync(name, username, password, cancellationToken);
        var entries = new List<GuestDirectoryEntry>();
        var remaining = await guest.RunAsync(vm, guest_path, async () =>
        {
            for (var index = 0; ; )
            {
                var page = await guest.Client.ListFilesInGuestAsync(vm.Ref, vm.Auth, guest_path, index, PageSize, cancellationToken: cancellationToken);
                entries.AddRange(page.Files.Where(file => file.Path is not ("." or "..")).Select(GuestDirectoryEntry.From));
                index += page.Files.Count;
                if (page.Remaining == 0 || page.Files.Count == 0 || entries.Count >= MaxEntries)
                {
                    return page.Remaining;
                }
            }
        });
        return new DirectoryListing(vm.Name, guest_path, entries.Count, remaining > 0 ? remaining : null,
            entries.OrderBy(entry => entry.Name, StringComparer.Ordinal).ToArray());
    }

    [McpServerTool(Name = "create_guest_directory", UseStructuredContent = true)]
    [Description("Creates a directory in the guest OS through VMware Tools, with its missing parents unless create_parents=false. " +
        "Guest credentials: username and password, or those configured on the server for the VM.")]
    [RequiresPermission(PermissionLevel.FullAdmin)]
    [Change("create the directory {guest_path} in the guest OS of '{name}'")]
    public async Task<CreatedDirectory> CreateGuestDirectory(
        [Description(GuestDescriptions.Vm)] string name,
        [Description("Absolute path of the directory to create, e.g. /opt/app/logs.")] string guest_path,
        [Description(GuestDescriptions.Username)] string? username = null,
        [Description(GuestDescriptions.Password)] string? password = null,
        [Description("Also create missing parent directories (default true).")] bool create_parents = true,
        CancellationToken cancellationToken = default)
    {
        GuestPath.RequireAbsolute(guest_path, nameof(guest_path));
        var vm = await guest.OpenAsync(name, username, password, cancellationToken);
        await guest.RunAsync(vm, guest_path,
            () => guest.Client.MakeDirectoryInGuestAsync(vm.Ref, vm.Auth, guest_path, create_parents, cancellationToken));
        var created = await guest.StatAsync(vm, guest_path, cancellationToken) ?? throw await guest.NotFoundAsync(vm, guest_path);
        return new CreatedDirectory(vm.Name, guest_path, created.Type, created.ModificationTime, $"Created {guest_path} in '{vm.Name}'.");
    }
}

/// <summary>One entry of a guest directory.</summary>
/// <param name="Mode">POSIX permission bits in octal, e.g. <c>0755</c>.</param>
public sealed record GuestDirectoryEntry(string Name, GuestFileType Type, long Size, DateTimeOffset? Modified, string? Mode, int? OwnerId,
    int? GroupId, string? SymlinkTarget)
{
    internal static GuestDirectoryEntry From(GuestFileInfo file) => new(
        file.Path, file.Type, file.Size, file.ModificationTime,
        file.Permissions is { } bits ? Convert.ToString(bits, 8).PadLeft(4, '0') : null,
        file.OwnerId, file.GroupId, file.SymlinkTarget);
}

/// <summary>The result of list_guest_directory.</summary>
/// <param name="NotListed">How many more entries the directory has, when it was cut at 5,000.</param>
public sealed record DirectoryListing(string Name, string GuestPath, int Count, int? NotListed, IReadOnlyList<GuestDirectoryEntry> Entries);

/// <summary>The result of create_guest_directory, read back from the guest.</summary>
public sealed record CreatedDirectory(string Name, string GuestPath, GuestFileType Type, DateTimeOffset? Modified, string Message);
