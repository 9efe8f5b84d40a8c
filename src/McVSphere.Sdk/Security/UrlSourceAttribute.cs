namespace McVSphere.Sdk.Security;

/// <summary>
/// Marks a tool argument that names where the tool reads from and may be an http(s) URL that the server fetches (an
/// OVF package, say), beside forms that stay inside vSphere or the server (a datastore path, a file under the file
/// root). A call that gives the argument as a URL (<see cref="IsUrl"/>) needs <see cref="Level"/>, or the tool's own
/// level when that is higher: fetching a URL makes the server a client of other machines, more than reading vSphere.
/// The host enforces it with the tool's level (RBAC and read-only mode, audited like any denial); the tool checks
/// nothing itself.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class UrlSourceAttribute(PermissionLevel level) : Attribute
{
    /// <summary>The level a call needs when the argument is a URL.</summary>
    public PermissionLevel Level { get; } = level;

    /// <summary>
    /// The one rule for what counts as a URL in such an argument, for the host's check and the tool's parsing alike:
    /// an absolute http or https URI (surrounding white space ignored).
    /// </summary>
    public static bool IsUrl(string? value, out Uri url)
    {
        if (Uri.TryCreate(value?.Trim(), UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps))
        {
            url = parsed;
            return true;
        }
        url = null!;
        return false;
    }
}
