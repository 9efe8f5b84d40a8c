using System.Net;

namespace McVSphere.VSphere;

/// <summary>
/// A file transfer (guest file, datastore file) was answered with an HTTP error. The message names the transfer and
/// the server's reason; it never contains the URL's one-off token.
/// </summary>
public sealed class VSphereTransferException : VSphereException
{
    /// <summary>Creates the exception for a transfer answered with <paramref name="statusCode"/>.</summary>
    public VSphereTransferException(HttpStatusCode statusCode, string message) : base(message)
    {
        StatusCode = statusCode;
    }

    /// <summary>The HTTP status the server answered.</summary>
    public HttpStatusCode StatusCode { get; }
}
