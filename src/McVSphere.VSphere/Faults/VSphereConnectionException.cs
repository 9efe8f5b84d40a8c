namespace McVSphere.VSphere;

/// <summary>
/// The server could not be reached or talked to: TLS verification failed, the connection was refused, reset or timed
/// out, or the server answered something that is not vSphere SOAP. The message names the setting that fixes it, when
/// one does.
/// </summary>
public sealed class VSphereConnectionException : VSphereException
{
    /// <summary>Creates the exception for the given server endpoint.</summary>
    public VSphereConnectionException(Uri server, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Server = server;
    }

    /// <summary>The SDK endpoint that was called.</summary>
    public Uri Server { get; }
}
