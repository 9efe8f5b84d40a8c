namespace McVSphere.VSphere.Vim;

/// <summary>
/// Typed calls of the guest file manager (GuestOperationsManager.fileManager). Guest paths are the guest OS's own:
/// <c>/tmp/x</c> on Linux, <c>C:\Temp\x</c> on Windows. Faults: GuestOperationsUnavailable (no running Tools),
/// InvalidGuestLogin, GuestPermissionDenied, FileNotFound, FileAlreadyExists, NotAFile, NotADirectory, DirectoryNotEmpty.
/// </summary>
public static class GuestFileMethods
{
    /// <summary>
    /// Lists a guest directory, or the file itself when <paramref name="guestPath"/> is a file (ListFilesInGuest), one
    /// page from <paramref name="index"/>. <paramref name="matchPattern"/> is a regular expression on entry names.
    /// </summary>
    public static async Task<GuestListFileInfo> ListFilesInGuestAsync(this VSphereClient client, ManagedObjectReference vm, GuestAuthentication auth,
        string guestPath, int index = 0, int? maxResults = null, string? matchPattern = null, CancellationToken cancellationToken = default)
    {
        var page = await InvokeAsync(client, "ListFilesInGuest",
            [
                new VimArgument("vm", vm), new VimArgument("auth", auth), new VimArgument("filePath", guestPath),
                new VimArgument("index", index), new VimArgument("maxResults", maxResults), new VimArgument("matchPattern", matchPattern),
            ], cancellationToken).ConfigureAwait(false);
        return GuestListFileInfo.From(page as VimObject);
    }

    /// <summary>Creates a guest directory (MakeDirectoryInGuest), and its missing parents when asked.</summary>
    public static Task MakeDirectoryInGuestAsync(this VSphereClient client, ManagedObjectReference vm, GuestAuthentication auth,
        string guestPath, bool createParentDirectories, CancellationToken cancellationToken = default) =>
        InvokeAsync(client, "MakeDirectoryInGuest",
            [new VimArgument("vm", vm), new VimArgument("auth", auth), new VimArgument("directoryPath", guestPath),
             new VimArgument("createParentDirectories", createParentDirectories)], cancellationToken);

    /// <summary>Deletes a guest file (DeleteFileInGuest); a directory gives NotAFile.</summary>
    public static Task DeleteFileInGuestAsync(this VSphereClient client, ManagedObjectReference vm, GuestAuthentication auth,
        string guestPath, CancellationToken cancellationToken = default) =>
        InvokeAsync(client, "DeleteFileInGuest",
            [new VimArgument("vm", vm), new VimArgument("auth", auth), new VimArgument("filePath", guestPath)], cancellationToken);

    /// <summary>Deletes a guest directory (DeleteDirectoryInGuest): an empty one, or with everything in it when <paramref name="recursive"/>.</summary>
    public static Task DeleteDirectoryInGuestAsync(this VSphereClient client, ManagedObjectReference vm, GuestAuthentication auth,
        string guestPath, bool recursive, CancellationToken cancellationToken = default) =>
        InvokeAsync(client, "DeleteDirectoryInGuest",
            [new VimArgument("vm", vm), new VimArgument("auth", auth), new VimArgument("directoryPath", guestPath),
             new VimArgument("recursive", recursive)], cancellationToken);

    /// <summary>
    /// Creates a uniquely named directory in the guest's temporary directory, or in <paramref name="parent"/>
    /// (CreateTemporaryDirectoryInGuest), and returns its path.
    /// </summary>
    public static async Task<string> CreateTemporaryDirectoryInGuestAsync(this VSphereClient client, ManagedObjectReference vm, GuestAuthentication auth,
        string prefix, string suffix, string? parent = null, CancellationToken cancellationToken = default)
    {
        var path = await InvokeAsync(client, "CreateTemporaryDirectoryInGuest",
            [new VimArgument("vm", vm), new VimArgument("auth", auth), new VimArgument("prefix", prefix), new VimArgument("suffix", suffix),
             new VimArgument("directoryPath", parent)], cancellationToken).ConfigureAwait(false);
        return path?.AsString() ?? throw new VSphereException("CreateTemporaryDirectoryInGuest returned no path.");
    }

    /// <summary>
    /// Prepares the download of a guest file (InitiateFileTransferFromGuest): its size and a one-off URL to GET it
    /// from, with <c>client.DownloadGuestFileAsync</c>.
    /// </summary>
    public static async Task<GuestFileTransferInfo> InitiateFileTransferFromGuestAsync(this VSphereClient client, ManagedObjectReference vm,
        GuestAuthentication auth, string guestPath, CancellationToken cancellationToken = default)
    {
        var info = await InvokeAsync(client, "InitiateFileTransferFromGuest",
            [new VimArgument("vm", vm), new VimArgument("auth", auth), new VimArgument("guestFilePath", guestPath)], cancellationToken).ConfigureAwait(false);
        return GuestFileTransferInfo.From(info as VimObject ?? throw new VSphereException("InitiateFileTransferFromGuest returned nothing."));
    }

    /// <summary>
    /// Prepares the upload of <paramref name="fileSize"/> bytes to a guest file (InitiateFileTransferToGuest) and returns
    /// the one-off URL to PUT them to, with <c>client.UploadGuestFileAsync</c>. Without <paramref name="overwrite"/>, an
    /// existing file gives FileAlreadyExists.
    /// </summary>
    public static async Task<string> InitiateFileTransferToGuestAsync(this VSphereClient client, ManagedObjectReference vm,
        GuestAuthentication auth, string guestPath, long fileSize, bool overwrite, CancellationToken cancellationToken = default)
    {
        var url = await InvokeAsync(client, "InitiateFileTransferToGuest",
            [
                new VimArgument("vm", vm), new VimArgument("auth", auth), new VimArgument("guestFilePath", guestPath),
                new VimArgument("fileAttributes", new GuestFileAttributes()), new VimArgument("fileSize", fileSize),
                new VimArgument("overwrite", overwrite),
            ], cancellationToken).ConfigureAwait(false);
        return url?.AsString() ?? throw new VSphereException("InitiateFileTransferToGuest returned no URL.");
    }

    private static async Task<VimValue?> InvokeAsync(VSphereClient client, string method, VimArgument[] arguments, CancellationToken cancellationToken)
    {
        var fileManager = await client.GetGuestManagerAsync("fileManager", cancellationToken).ConfigureAwait(false);
        return await client.InvokeAsync(method, fileManager, arguments, cancellationToken).ConfigureAwait(false);
    }
}
