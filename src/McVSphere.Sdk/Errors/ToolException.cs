namespace McVSphere.Sdk.Errors;

/// <summary>What kind of mistake or refusal a <see cref="ToolException"/> reports.</summary>
public enum ToolErrorKind
{
    /// <summary>An argument is missing, malformed or out of range.</summary>
    InvalidArgument,

    /// <summary>A named object does not exist.</summary>
    NotFound,

    /// <summary>A name matches several objects.</summary>
    Ambiguous,

    /// <summary>The request is valid but refused for safety (e.g. deleting a powered-on VM without <c>force</c>).</summary>
    Refused,

    /// <summary>The connected vSphere (or the server's configuration) cannot do this.</summary>
    NotSupported,
}

/// <summary>
/// A failure a tool reports to the caller. The host turns it into an MCP tool error (<c>isError: true</c>)
/// whose text is <see cref="Exception.Message"/>, followed by the suggestions; it is never logged as a crash.
/// </summary>
public class ToolException : Exception
{
    /// <summary>Creates a tool error.</summary>
    /// <param name="kind">What went wrong.</param>
    /// <param name="message">A sentence for the caller: what was wrong and what to do instead.</param>
    /// <param name="argument">The tool argument at fault, if one is.</param>
    /// <param name="suggestions">Values that exist instead (closest names, allowed values), best first.</param>
    public ToolException(ToolErrorKind kind, string message, string? argument = null, IReadOnlyList<string>? suggestions = null)
        : base(message)
    {
        Kind = kind;
        Argument = argument;
        Suggestions = suggestions ?? [];
    }

    /// <summary>What went wrong.</summary>
    public ToolErrorKind Kind { get; }

    /// <summary>The tool argument at fault, if one is.</summary>
    public string? Argument { get; }

    /// <summary>Values that exist instead, best first.</summary>
    public IReadOnlyList<string> Suggestions { get; }

    /// <summary>An invalid argument: <paramref name="argument"/> names the parameter.</summary>
    public static ToolException InvalidArgument(string argument, string message, IReadOnlyList<string>? allowed = null) =>
        new(ToolErrorKind.InvalidArgument, message, argument, allowed);

    /// <summary>A refusal for safety, with what the caller can do to go ahead.</summary>
    public static ToolException Refused(string message, string? argument = null) =>
        new(ToolErrorKind.Refused, message, argument);

    /// <summary>Something this vSphere or this server's configuration cannot do.</summary>
    public static ToolException NotSupported(string message) => new(ToolErrorKind.NotSupported, message);
}
