namespace McVSphere.Sdk.Safety;

/// <summary>
/// Says what a tool changes, in the words a user confirms, e.g. <c>"delete VM '{name}' and all its files"</c>;
/// <c>{argument}</c> placeholders take the call's argument values. The host gives every such tool a <c>dry_run</c>
/// argument that returns this description without calling the tool, and, for tools that <see cref="Destroys"/>
/// something, asks the user to confirm first (MCP elicitation, or a <c>confirm</c> argument for clients without it).
/// The tool itself does neither: it is never called for a dry run or a declined confirmation.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ChangeAttribute(string description) : Attribute
{
    /// <summary>What the call changes, with <c>{argument}</c> placeholders.</summary>
    public string Description { get; } = description;

    /// <summary>The change destroys something that cannot be recovered: the user must confirm it.</summary>
    public bool Destroys { get; init; }

    /// <summary>
    /// A boolean argument that makes the call destructive (e.g. <c>delete_file</c> of remove_disk): confirmation is
    /// asked only when it is true, or left out where its default is true. Implies <see cref="Destroys"/>.
    /// </summary>
    public string? DestroysWhen { get; init; }
}
