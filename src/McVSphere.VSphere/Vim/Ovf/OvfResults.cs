namespace McVSphere.VSphere.Vim;

/// <summary>A fault or warning reported in a result rather than thrown (<c>LocalizedMethodFault</c>).</summary>
/// <param name="FaultType">The fault's type, e.g. <c>OvfUnsupportedDeviceBackingOption</c>.</param>
/// <param name="Message">The server's text, or the fault type when it sent none.</param>
public sealed record OvfIssue(string FaultType, string Message)
{
    internal static IReadOnlyList<OvfIssue> ListFrom(IReadOnlyList<VimValue> faults) =>
        faults.OfType<VimObject>().Select(From).ToArray();

    private static OvfIssue From(VimObject fault)
    {
        var type = fault.GetObject("fault")?.TypeName ?? "MethodFault";
        var message = fault.GetString("localizedMessage");
        return new OvfIssue(type, string.IsNullOrWhiteSpace(message) ? type : message);
    }
}

/// <summary>A file of an OVF package that the import expects to be uploaded (<c>OvfFileItem</c>).</summary>
/// <param name="DeviceId">The device it backs; matches <see cref="HttpNfcLeaseDeviceUrl.ImportKey"/> of the lease.</param>
/// <param name="Path">The file's href in the OVF descriptor (relative to the descriptor).</param>
/// <param name="Size">Its size in bytes, as the descriptor declares it; null when it does not.</param>
/// <param name="Create">Whether the upload creates a new file (an ISO image) rather than filling a disk.</param>
public sealed record OvfFileItem(string DeviceId, string Path, long? Size, bool Create)
{
    internal static OvfFileItem From(VimObject item) => new(
        item.GetString("deviceId") ?? "",
        item.GetString("path") ?? "",
        item.GetInt64("size"),
        item.GetBoolean("create") ?? false);
}

/// <summary>The result of OvfManager.CreateImportSpec (<c>OvfCreateImportSpecResult</c>).</summary>
/// <param name="ImportSpec">The spec to pass to ImportVApp, as read (null when the descriptor could not be mapped).</param>
/// <param name="FileItems">The files to upload through the import lease.</param>
/// <param name="Warnings">Things left out or changed, e.g. an unsupported device.</param>
/// <param name="Errors">Why no usable spec was made; the import must not go ahead when there are any.</param>
public sealed record OvfCreateImportSpecResult(
    VimObject? ImportSpec,
    IReadOnlyList<OvfFileItem> FileItems,
    IReadOnlyList<OvfIssue> Warnings,
    IReadOnlyList<OvfIssue> Errors)
{
    internal static OvfCreateImportSpecResult From(VimObject result) => new(
        result.GetObject("importSpec"),
        result.GetArray("fileItem").OfType<VimObject>().Select(OvfFileItem.From).ToArray(),
        OvfIssue.ListFrom(result.GetArray("warning")),
        OvfIssue.ListFrom(result.GetArray("error")));
}

/// <summary>The result of OvfManager.CreateDescriptor (<c>OvfCreateDescriptorResult</c>).</summary>
/// <param name="OvfDescriptor">The OVF descriptor (XML).</param>
/// <param name="Warnings">Things left out, e.g. a file that matches no device.</param>
/// <param name="Errors">Why the descriptor is incomplete.</param>
public sealed record OvfCreateDescriptorResult(string OvfDescriptor, IReadOnlyList<OvfIssue> Warnings, IReadOnlyList<OvfIssue> Errors)
{
    internal static OvfCreateDescriptorResult From(VimObject result) => new(
        result.GetString("ovfDescriptor") ?? "",
        OvfIssue.ListFrom(result.GetArray("warning")),
        OvfIssue.ListFrom(result.GetArray("error")));
}
