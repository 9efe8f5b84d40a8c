namespace McVSphere.Sdk.Plugins;

/// <summary>The version of the contract between the host and its plugins.</summary>
/// <remarks>
/// Raised whenever a change to the Sdk would break a plugin built against an earlier one. The host refuses
/// plugins whose manifest names another version, rather than failing later with a missing method.
/// </remarks>
public static class SdkAbi
{
    /// <summary>The ABI version of this Sdk.</summary>
    public const int Version = 1;
}
