namespace McVSphere.VSphere;

/// <summary>Base of every error this library raises. Messages are written for the end user: they say what failed
/// and, where there is one, what fixes it. They never contain the password.</summary>
public class VSphereException : Exception
{
    /// <summary>Creates an exception with a user-facing message.</summary>
    public VSphereException(string message) : base(message)
    {
    }

    /// <summary>Creates an exception with a user-facing message and the error that caused it.</summary>
    public VSphereException(string message, Exception? innerException) : base(message, innerException)
    {
    }
}
