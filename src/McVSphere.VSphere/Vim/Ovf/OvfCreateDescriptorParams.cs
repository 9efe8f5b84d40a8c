using McVSphere.VSphere.Soap;

namespace McVSphere.VSphere.Vim;

/// <summary>A file written for an export, as the descriptor will reference it (<c>OvfFile</c>).</summary>
/// <param name="DeviceId">The device it holds: the <see cref="HttpNfcLeaseDeviceUrl.Key"/> of the export lease.</param>
/// <param name="Path">The file's name in the package, relative to the descriptor.</param>
/// <param name="Size">Its size in bytes.</param>
public sealed record OvfFile(string DeviceId, string Path, long Size) : VimDataObject
{
    /// <summary>The compression applied to the file (<c>gzip</c>); null for none.</summary>
    public string? CompressionMethod { get; init; }

    /// <summary>The disk's capacity in bytes, when known.</summary>
    public long? Capacity { get; init; }

    /// <summary>The bytes of the disk actually in use, when known.</summary>
    public long? PopulatedSize { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("deviceId", DeviceId);
        writer.Write("path", Path);
        writer.Write("compressionMethod", CompressionMethod);
        writer.Write("size", Size);
        writer.Write("capacity", Capacity);
        writer.Write("populatedSize", PopulatedSize);
    }
}

/// <summary>What to put in a descriptor made by OvfManager.CreateDescriptor (<c>OvfCreateDescriptorParams</c>).</summary>
public sealed record OvfCreateDescriptorParams : VimDataObject
{
    /// <summary>The files exported, which the descriptor's References list.</summary>
    public IReadOnlyList<OvfFile>? OvfFiles { get; init; }

    /// <summary>The name of the virtual system (default: the entity's name).</summary>
    public string? Name { get; init; }

    /// <summary>Its annotation (default: the entity's).</summary>
    public string? Description { get; init; }

    /// <summary>Whether ISO and floppy images are part of the package.</summary>
    public bool? IncludeImageFiles { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("ovfFiles", OvfFiles);
        writer.Write("name", Name);
        writer.Write("description", Description);
        writer.Write("includeImageFiles", IncludeImageFiles);
    }
}
