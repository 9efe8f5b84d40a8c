using McVSphere.VSphere.Soap;

namespace McVSphere.VSphere.Vim;

/// <summary>The type of a guest file entry (<c>GuestFileType</c>).</summary>
public enum GuestFileType
{
    /// <summary>A value this client does not know.</summary>
    Unknown,
    /// <summary>A regular file.</summary>
    File,
    /// <summary>A directory.</summary>
    Directory,
    /// <summary>A symbolic link.</summary>
    Symlink,
}

/// <summary>
/// A file, directory or link in the guest (<c>GuestFileInfo</c>), as ListFilesInGuest or a file transfer reports it.
/// POSIX guests report permissions and owner ids, Windows guests hidden/read-only flags instead.
/// </summary>
/// <param name="Path">The entry's name (as listed within a directory) or path.</param>
/// <param name="Type">File, directory or symlink.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="ModificationTime">When it was last changed.</param>
/// <param name="AccessTime">When it was last read.</param>
/// <param name="Permissions">POSIX permission bits (e.g. 0o644), on POSIX guests.</param>
/// <param name="OwnerId">POSIX owner uid.</param>
/// <param name="GroupId">POSIX group gid.</param>
/// <param name="SymlinkTarget">Where a symlink points.</param>
/// <param name="Hidden">Windows hidden flag.</param>
/// <param name="ReadOnly">Windows read-only flag.</param>
public sealed record GuestFileInfo(
    string Path,
    GuestFileType Type,
    long Size,
    DateTimeOffset? ModificationTime,
    DateTimeOffset? AccessTime,
    long? Permissions,
    int? OwnerId,
    int? GroupId,
    string? SymlinkTarget,
    bool? Hidden,
    bool? ReadOnly)
{
    /// <summary>Reads a <c>GuestFileInfo</c> data object.</summary>
    public static GuestFileInfo From(VimObject info)
    {
        ArgumentNullException.ThrowIfNull(info);
        // POSIX and Windows guests report subtypes of GuestFileAttributes; each field is read where present.
        var attributes = info.GetObject("attributes");
        return new GuestFileInfo(
            info.GetString("path") ?? "",
            VimEnum<GuestFileType>.Parse(info.GetString("type"), GuestFileType.Unknown),
            info.GetInt64("size") ?? 0,
            attributes?.GetDateTime("modificationTime"),
            attributes?.GetDateTime("accessTime"),
            attributes?.GetInt64("permissions"),
            attributes?.GetInt32("ownerId"),
            attributes?.GetInt32("groupId"),
            attributes?.GetString("symlinkTarget"),
            attributes?.GetBoolean("hidden"),
            attributes?.GetBoolean("readOnly"));
    }
}

/// <summary>A page of ListFilesInGuest (<c>GuestListFileInfo</c>).</summary>
/// <param name="Files">The entries of this page.</param>
/// <param name="Remaining">How many more entries match after this page.</param>
public sealed record GuestListFileInfo(IReadOnlyList<GuestFileInfo> Files, int Remaining)
{
    /// <summary>Reads a <c>GuestListFileInfo</c> data object (null: an empty page).</summary>
    public static GuestListFileInfo From(VimObject? list) => list is null
        ? new GuestListFileInfo([], 0)
        : new GuestListFileInfo(list.GetArray("files").OfType<VimObject>().Select(GuestFileInfo.From).ToArray(), list.GetInt32("remaining") ?? 0);
}

/// <summary>
/// Where to download a guest file from (<c>FileTransferInformation</c>, the result of InitiateFileTransferFromGuest).
/// </summary>
/// <param name="Url">The one-off download URL; its host may be <c>*</c>, meaning the server the client talks to.</param>
/// <param name="Size">The file's size in bytes.</param>
/// <param name="ModificationTime">When the file was last changed.</param>
public sealed record GuestFileTransferInfo(string Url, long Size, DateTimeOffset? ModificationTime)
{
    /// <summary>Reads a <c>FileTransferInformation</c> data object.</summary>
    public static GuestFileTransferInfo From(VimObject info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return new GuestFileTransferInfo(
            info.GetString("url") ?? throw new VSphereException("InitiateFileTransferFromGuest returned no URL."),
            info.GetInt64("size") ?? 0,
            info.GetDateTime("attributes.modificationTime"));
    }
}

/// <summary>
/// The attributes given to a file uploaded to the guest (<c>GuestFileAttributes</c>). Empty attributes (the default)
/// leave the guest's defaults, whatever its OS.
/// </summary>
public sealed record GuestFileAttributes : VimDataObject
{
    /// <summary>The modification time to set.</summary>
    public DateTimeOffset? ModificationTime { get; init; }

    /// <summary>The access time to set.</summary>
    public DateTimeOffset? AccessTime { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("modificationTime", ModificationTime);
        writer.Write("accessTime", AccessTime);
    }
}
