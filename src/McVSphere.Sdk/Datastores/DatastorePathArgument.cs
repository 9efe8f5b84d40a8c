using McVSphere.Sdk.Errors;
using McVSphere.VSphere.Vim;

namespace McVSphere.Sdk.Datastores;

/// <summary>
/// The one rule for the datastore paths tools take: a path inside one datastore, relative to its root, with '/'
/// (or '\') separators. It may not climb out or hide a climb: no <c>..</c> or <c>.</c> parts, no empty parts, no
/// leading '/', no percent-encoded dots or separators, no control characters. Every tool that passes a caller's path
/// to vSphere (as <c>[datastore] path</c> or in a <c>/folder</c> URL) goes through it.
/// </summary>
public static class DatastorePathArgument
{
    /// <summary>
    /// A path inside <paramref name="datastoreName"/> as tools take it: <c>folder/file.iso</c>, or
    /// <c>[datastore] folder/file.iso</c> naming that same datastore. Returns it relative to the root, '/'-separated.
    /// </summary>
    /// <param name="path">The caller's path.</param>
    /// <param name="datastoreName">The datastore the path must be on.</param>
    /// <param name="argument">The tool argument the path came in, named in errors.</param>
    /// <param name="allowRoot">Whether an empty path (the datastore's root) is accepted.</param>
    /// <exception cref="ToolException">The path names another datastore, or breaks the rule.</exception>
    public static string Relative(string? path, string datastoreName, string argument, bool allowRoot = false)
    {
        var text = path?.Trim() ?? "";
        if (DatastorePath.TryParse(text, out var full))
        {
            if (!string.Equals(full.Datastore, datastoreName, StringComparison.Ordinal))
            {
                throw ToolException.InvalidArgument(argument,
                    $"{argument} '{text}' names datastore '{full.Datastore}', but the datastore argument is '{datastoreName}'; give a path inside it.");
            }
            text = full.Path;
        }
        return Check(text, path ?? "", argument, allowRoot);
    }

    /// <summary>Checks a path already taken as relative to a datastore's root; returns it '/'-separated, without a trailing '/'.</summary>
    /// <param name="path">The path inside the datastore.</param>
    /// <param name="argument">The tool argument the path came in, named in errors.</param>
    /// <param name="allowRoot">Whether an empty path (the datastore's root) is accepted.</param>
    /// <exception cref="ToolException">The path breaks the rule.</exception>
    public static string Inside(string? path, string argument, bool allowRoot = false) => Check(path ?? "", path ?? "", argument, allowRoot);

    private static string Check(string path, string original, string argument, bool allowRoot)
    {
        var text = path.Trim();
        if (text.Any(char.IsControl))
        {
            throw Invalid(argument, original, "contains control characters");
        }
        if (text.Contains("%2e", StringComparison.OrdinalIgnoreCase) || text.Contains("%2f", StringComparison.OrdinalIgnoreCase)
            || text.Contains("%5c", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid(argument, original, "contains a percent-encoded '.', '/' or '\\' (write the characters themselves)");
        }
        text = text.Replace('\\', '/');
        if (text.StartsWith('/'))
        {
            throw Invalid(argument, original, "starts with '/': datastore paths are relative to the datastore's root");
        }
        text = text.TrimEnd('/');
        if (text.Length == 0)
        {
            return allowRoot ? "" : throw Invalid(argument, original, "is empty");
        }
        if (text.Split('/').Any(part => part is ".." or "." or ""))
        {
            throw Invalid(argument, original, "has '..', '.' or empty parts");
        }
        return text;
    }

    private static ToolException Invalid(string argument, string path, string problem) =>
        ToolException.InvalidArgument(argument,
            $"{argument} '{path}' {problem}. Give a path inside the datastore such as 'iso/ubuntu.iso' or 'web-01', " +
            "without '..', '.' or empty parts; browse_datastore lists what the datastore holds.");
}
