namespace McVSphere.VSphere.Vim;

/// <summary>Where one device's file is transferred through an NFC lease (<c>HttpNfcLeaseDeviceUrl</c>).</summary>
/// <param name="Key">The device's key: for an export, the <see cref="OvfFile.DeviceId"/> to give CreateDescriptor.</param>
/// <param name="ImportKey">For an import, the <see cref="OvfFileItem.DeviceId"/> of the file to upload here.</param>
/// <param name="Url">The transfer URL: through vCenter, the ESXi host's; a <c>*</c> host stands for the server the client talks to.</param>
/// <param name="TargetId">For an export, the file name the server suggests.</param>
/// <param name="Disk">Whether the device is a virtual disk.</param>
/// <param name="FileSize">The file's size in bytes, when the server knows it in advance.</param>
/// <param name="SslThumbprint">The SHA-1 thumbprint of the certificate of the host that serves <paramref name="Url"/>, as vCenter knows it.</param>
public sealed record HttpNfcLeaseDeviceUrl(string Key, string? ImportKey, string Url, string? TargetId, bool Disk, long? FileSize, string? SslThumbprint)
{
    internal static HttpNfcLeaseDeviceUrl From(VimObject url) => new(
        url.GetString("key") ?? "",
        url.GetString("importKey"),
        url.GetString("url") ?? "",
        url.GetString("targetId"),
        url.GetBoolean("disk") ?? false,
        url.GetInt64("fileSize"),
        url.GetString("sslThumbprint"));
}

/// <summary>What an NFC lease gives access to, once ready (<c>HttpNfcLeaseInfo</c>).</summary>
/// <param name="Entity">The VM (or vApp) being imported or exported.</param>
/// <param name="DeviceUrls">One transfer URL per device file.</param>
/// <param name="TotalDiskCapacityInKB">The capacity of all its disks.</param>
/// <param name="LeaseTimeout">How long the lease lives without a progress report.</param>
public sealed record HttpNfcLeaseInfo(
    ManagedObjectReference? Entity,
    IReadOnlyList<HttpNfcLeaseDeviceUrl> DeviceUrls,
    long TotalDiskCapacityInKB,
    TimeSpan LeaseTimeout)
{
    internal static HttpNfcLeaseInfo From(VimObject info) => new(
        info.GetReference("entity"),
        info.GetArray("deviceUrl").OfType<VimObject>().Select(HttpNfcLeaseDeviceUrl.From).ToArray(),
        info.GetInt64("totalDiskCapacityInKB") ?? 0,
        TimeSpan.FromSeconds(info.GetInt32("leaseTimeout") ?? 300));
}
