namespace McVSphere.VSphere.Vim;

/// <summary>A CD/DVD drive (<c>VirtualCdrom</c>): an ISO file (<see cref="VirtualCdromIsoBackingInfo"/>), a host
/// device (<see cref="VirtualCdromAtapiBackingInfo"/>) or the client's (<see cref="VirtualCdromRemotePassthroughBackingInfo"/>).</summary>
public sealed record VirtualCdrom : VirtualDevice
{
    /// <summary>For records built by hand.</summary>
    public VirtualCdrom()
    {
    }

    internal VirtualCdrom(VimObject cdrom) : base(cdrom)
    {
    }
}
