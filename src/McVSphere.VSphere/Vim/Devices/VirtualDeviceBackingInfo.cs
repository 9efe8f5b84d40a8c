using McVSphere.VSphere.Soap;

namespace McVSphere.VSphere.Vim;

/// <summary>
/// What backs a device (<c>VirtualDeviceBackingInfo</c>). Backing types this library does not model are read as
/// <see cref="OtherBackingInfo"/>, which writes back every field it read.
/// </summary>
public abstract record VirtualDeviceBackingInfo : VimDataObject
{
    /// <summary>Reads a backing of any type from its data object.</summary>
    public static VirtualDeviceBackingInfo From(VimObject backing)
    {
        ArgumentNullException.ThrowIfNull(backing);
        return backing.TypeName switch
        {
            nameof(VirtualDiskFlatVer2BackingInfo) => new VirtualDiskFlatVer2BackingInfo(backing),
            nameof(VirtualCdromIsoBackingInfo) => new VirtualCdromIsoBackingInfo(backing),
            nameof(VirtualCdromAtapiBackingInfo) => new VirtualCdromAtapiBackingInfo(backing),
            nameof(VirtualCdromRemotePassthroughBackingInfo) => new VirtualCdromRemotePassthroughBackingInfo(backing),
            nameof(VirtualEthernetCardNetworkBackingInfo) => new VirtualEthernetCardNetworkBackingInfo(backing),
            nameof(VirtualEthernetCardDistributedVirtualPortBackingInfo) => new VirtualEthernetCardDistributedVirtualPortBackingInfo(backing),
            nameof(VirtualEthernetCardOpaqueNetworkBackingInfo) => new VirtualEthernetCardOpaqueNetworkBackingInfo(backing),
            nameof(VirtualSerialPortURIBackingInfo) => new VirtualSerialPortURIBackingInfo(backing),
            _ => new OtherBackingInfo(backing),
        };
    }
}

/// <summary>A backing of a type this library does not model, kept and written back as read.</summary>
public sealed record OtherBackingInfo : VirtualDeviceBackingInfo
{
    internal OtherBackingInfo(VimObject backing) => Raw = backing;

    /// <summary>The backing as read, with its type name.</summary>
    public VimObject Raw { get; }

    /// <inheritdoc />
    protected internal override string VimTypeName => Raw.TypeName ?? nameof(VirtualDeviceBackingInfo);

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        foreach (var field in Raw.Fields)
        {
            writer.Write(field.Name, field.Value);
        }
    }
}

/// <summary>A backing by a datastore file (<c>VirtualDeviceFileBackingInfo</c>).</summary>
public abstract record VirtualDeviceFileBackingInfo : VirtualDeviceBackingInfo
{
    /// <summary>For records built by hand.</summary>
    protected VirtualDeviceFileBackingInfo()
    {
    }

    private protected VirtualDeviceFileBackingInfo(VimObject backing)
    {
        FileName = backing.GetString("fileName") ?? "";
        Datastore = backing.GetReference("datastore");
        BackingObjectId = backing.GetString("backingObjectId");
    }

    /// <summary>The datastore path, e.g. <c>[LocalDS_0] web-01/web-01.vmdk</c>; <c>[LocalDS_0]</c> alone lets vSphere name a new file.</summary>
    public string FileName { get; init; } = "";

    /// <summary>The datastore holding the file.</summary>
    public ManagedObjectReference? Datastore { get; init; }

    /// <summary>The virtual volume or storage object id, if any.</summary>
    public string? BackingObjectId { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("fileName", FileName);
        writer.Write("datastore", Datastore);
        writer.Write("backingObjectId", BackingObjectId);
    }
}

/// <summary>A VMDK disk file (<c>VirtualDiskFlatVer2BackingInfo</c>).</summary>
public sealed record VirtualDiskFlatVer2BackingInfo : VirtualDeviceFileBackingInfo
{
    /// <summary>For records built by hand.</summary>
    public VirtualDiskFlatVer2BackingInfo()
    {
    }

    internal VirtualDiskFlatVer2BackingInfo(VimObject backing) : base(backing)
    {
        DiskMode = backing.GetString("diskMode") ?? "persistent";
        Split = backing.GetBoolean("split");
        WriteThrough = backing.GetBoolean("writeThrough");
        ThinProvisioned = backing.GetBoolean("thinProvisioned");
        EagerlyScrub = backing.GetBoolean("eagerlyScrub");
        Uuid = backing.GetString("uuid");
        ContentId = backing.GetString("contentId");
        ChangeId = backing.GetString("changeId");
        Parent = backing.GetObject("parent") is { } parent ? new VirtualDiskFlatVer2BackingInfo(parent) : null;
        DeltaDiskFormat = backing.GetString("deltaDiskFormat");
        DigestEnabled = backing.GetBoolean("digestEnabled");
        Sharing = backing.GetString("sharing");
    }

    /// <summary>"persistent", "independent_persistent", "independent_nonpersistent"...</summary>
    public string DiskMode { get; init; } = "persistent";

    /// <summary>Split into 2 GB files.</summary>
    public bool? Split { get; init; }

    /// <summary>Write-through caching.</summary>
    public bool? WriteThrough { get; init; }

    /// <summary>Thin provisioned.</summary>
    public bool? ThinProvisioned { get; init; }

    /// <summary>Zeroed eagerly (thick eager-zeroed).</summary>
    public bool? EagerlyScrub { get; init; }

    /// <summary>The disk UUID.</summary>
    public string? Uuid { get; init; }

    /// <summary>Changes whenever the content changes.</summary>
    public string? ContentId { get; init; }

    /// <summary>The change-tracking id.</summary>
    public string? ChangeId { get; init; }

    /// <summary>The parent disk of a delta (snapshot or linked clone) disk.</summary>
    public VirtualDiskFlatVer2BackingInfo? Parent { get; init; }

    /// <summary>The delta disk format, for delta disks.</summary>
    public string? DeltaDiskFormat { get; init; }

    /// <summary>Content digest enabled.</summary>
    public bool? DigestEnabled { get; init; }

    /// <summary>"sharingNone" or "sharingMultiWriter".</summary>
    public string? Sharing { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        base.WriteFields(writer);
        writer.Write("diskMode", DiskMode);
        writer.Write("split", Split);
        writer.Write("writeThrough", WriteThrough);
        writer.Write("thinProvisioned", ThinProvisioned);
        writer.Write("eagerlyScrub", EagerlyScrub);
        writer.Write("uuid", Uuid);
        writer.Write("contentId", ContentId);
        writer.Write("changeId", ChangeId);
        writer.Write("parent", Parent);
        writer.Write("deltaDiskFormat", DeltaDiskFormat);
        writer.Write("digestEnabled", DigestEnabled);
        writer.Write("sharing", Sharing);
    }
}

/// <summary>An ISO image on a datastore, for a CD/DVD drive (<c>VirtualCdromIsoBackingInfo</c>).</summary>
public sealed record VirtualCdromIsoBackingInfo : VirtualDeviceFileBackingInfo
{
    /// <summary>For records built by hand.</summary>
    public VirtualCdromIsoBackingInfo()
    {
    }

    internal VirtualCdromIsoBackingInfo(VimObject backing) : base(backing)
    {
    }
}

/// <summary>A backing by a device of the host (<c>VirtualDeviceDeviceBackingInfo</c>).</summary>
public abstract record VirtualDeviceDeviceBackingInfo : VirtualDeviceBackingInfo
{
    /// <summary>For records built by hand.</summary>
    protected VirtualDeviceDeviceBackingInfo()
    {
    }

    private protected VirtualDeviceDeviceBackingInfo(VimObject backing)
    {
        DeviceName = backing.GetString("deviceName") ?? "";
        UseAutoDetect = backing.GetBoolean("useAutoDetect");
    }

    /// <summary>The device name; for a standard network backing, the port group name.</summary>
    public string DeviceName { get; init; } = "";

    /// <summary>Pick the device automatically.</summary>
    public bool? UseAutoDetect { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("deviceName", DeviceName);
        writer.Write("useAutoDetect", UseAutoDetect);
    }
}

/// <summary>The host's CD/DVD drive (<c>VirtualCdromAtapiBackingInfo</c>).</summary>
public sealed record VirtualCdromAtapiBackingInfo : VirtualDeviceDeviceBackingInfo
{
    /// <summary>For records built by hand.</summary>
    public VirtualCdromAtapiBackingInfo()
    {
    }

    internal VirtualCdromAtapiBackingInfo(VimObject backing) : base(backing)
    {
    }
}

/// <summary>The client's CD/DVD drive, passed through (<c>VirtualCdromRemotePassthroughBackingInfo</c>).</summary>
public sealed record VirtualCdromRemotePassthroughBackingInfo : VirtualDeviceBackingInfo
{
    /// <summary>For records built by hand.</summary>
    public VirtualCdromRemotePassthroughBackingInfo()
    {
    }

    internal VirtualCdromRemotePassthroughBackingInfo(VimObject backing)
    {
        DeviceName = backing.GetString("deviceName") ?? "";
        UseAutoDetect = backing.GetBoolean("useAutoDetect");
        Exclusive = backing.GetBoolean("exclusive") ?? false;
    }

    /// <summary>The device name (empty for any).</summary>
    public string DeviceName { get; init; } = "";

    /// <summary>Pick the device automatically.</summary>
    public bool? UseAutoDetect { get; init; }

    /// <summary>Exclusive access.</summary>
    public bool Exclusive { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("deviceName", DeviceName);
        writer.Write("useAutoDetect", UseAutoDetect);
        writer.Write("exclusive", Exclusive);
    }
}
