using System.Net;

namespace McVSphere.VSphere;

/// <summary>A vAPI REST call (tagging, content library) failed; <see cref="ErrorType"/> is the vAPI error, e.g.
/// <c>com.vmware.vapi.std.errors.already_exists</c>.</summary>
public sealed class VapiException : VSphereException
{
    /// <summary>Creates the exception for an error answer of the server.</summary>
    public VapiException(HttpStatusCode statusCode, string? errorType, string message) : base(message)
    {
        StatusCode = statusCode;
        ErrorType = errorType;
    }

    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The vAPI error type, when the server named one.</summary>
    public string? ErrorType { get; }

    /// <summary>Whether the server said the object does not exist (<c>not_found</c>, or HTTP 404).</summary>
    public bool IsNotFound => StatusCode == HttpStatusCode.NotFound || ErrorType?.EndsWith(".not_found", StringComparison.Ordinal) == true;

    /// <summary>Whether the server said the object already exists (<c>already_exists</c>).</summary>
    public bool IsAlreadyExists => ErrorType?.EndsWith(".already_exists", StringComparison.Ordinal) == true;
}
