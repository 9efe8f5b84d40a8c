using McVSphere.VSphere.Soap;

namespace McVSphere.VSphere.Vim;

/// <summary>Which details of each file a datastore search returns (<c>FileQueryFlags</c>).</summary>
public sealed record FileQueryFlags : VimDataObject
{
    /// <summary>Return each file as its type (<c>FolderFileInfo</c>, <c>VmDiskFileInfo</c>, <c>IsoImageFileInfo</c>...).</summary>
    public bool FileType { get; init; }

    /// <summary>Return sizes.</summary>
    public bool FileSize { get; init; }

    /// <summary>Return modification times.</summary>
    public bool Modification { get; init; }

    /// <summary>Return owners.</summary>
    public bool? FileOwner { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("fileType", FileType);
        writer.Write("fileSize", FileSize);
        writer.Write("modification", Modification);
        writer.Write("fileOwner", FileOwner);
    }
}

/// <summary>What a datastore search looks for (<c>HostDatastoreBrowserSearchSpec</c>).</summary>
public sealed record HostDatastoreBrowserSearchSpec : VimDataObject
{
    /// <summary>The details to return.</summary>
    public FileQueryFlags? Details { get; init; }

    /// <summary>Whether patterns match names case-insensitively (default: case-sensitive).</summary>
    public bool? SearchCaseInsensitive { get; init; }

    /// <summary>File name patterns (<c>*</c> and <c>?</c> wildcards); pass <c>*</c> for every file.</summary>
    public IReadOnlyList<string>? MatchPattern { get; init; }

    /// <summary>List folders before files.</summary>
    public bool? SortFoldersFirst { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("details", Details);
        writer.Write("searchCaseInsensitive", SearchCaseInsensitive);
        writer.Write("matchPattern", MatchPattern);
        writer.Write("sortFoldersFirst", SortFoldersFirst);
    }
}
