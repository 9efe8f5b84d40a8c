namespace McVSphere.VSphere;

/// <summary>
/// A tag looked up by name could not be told: no tag or category has the name (<see cref="Candidates"/> are the
/// closest names), or tags of several categories have it (<see cref="Candidates"/> are those categories).
/// </summary>
public sealed class TagLookupException : VSphereException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was not found or is ambiguous, and what to do.</param>
    /// <param name="categoryAtFault">True when the category name is at fault, false when the tag name is.</param>
    /// <param name="isAmbiguous">True when several tags match.</param>
    /// <param name="candidates">The closest names, or the categories of the matching tags.</param>
    public TagLookupException(string message, bool categoryAtFault, bool isAmbiguous, IReadOnlyList<string> candidates) : base(message)
    {
        CategoryAtFault = categoryAtFault;
        IsAmbiguous = isAmbiguous;
        Candidates = candidates;
    }

    /// <summary>True when the category name is at fault, false when the tag name is.</summary>
    public bool CategoryAtFault { get; }

    /// <summary>True when tags of several categories have the name.</summary>
    public bool IsAmbiguous { get; }

    /// <summary>The closest existing names, or the categories of the matching tags, best first.</summary>
    public IReadOnlyList<string> Candidates { get; }
}
