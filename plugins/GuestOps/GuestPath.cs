using System.Text;
using McVSphere.Sdk.Errors;

namespace McVSphere.Plugins.GuestOps;

/// <summary>Guest paths, POSIX (<c>/tmp/x</c>) or Windows (<c>C:\Temp\x</c>), taken apart without knowing the guest's OS.</summary>
internal static class GuestPath
{
    /// <summary>Checks that a guest path argument is absolute (<c>/…</c>, <c>C:\…</c> or <c>\\server\share…</c>) and returns it.</summary>
    public static string RequireAbsolute(string? path, string argument)
    {
        var text = path ?? "";
        var absolute = text.StartsWith('/') || text.StartsWith(@"\\", StringComparison.Ordinal)
            || (text.Length >= 3 && char.IsAsciiLetter(text[0]) && text[1] == ':' && text[2] is '\\' or '/');
        return absolute
            ? text
            : throw ToolException.InvalidArgument(argument,
                $"{argument} must be an absolute path in the guest, e.g. /tmp/notes.txt or C:\\Temp\\notes.txt; got '{path}'.");
    }

    /// <summary>Whether a path is a filesystem root: <c>/</c>, <c>C:\</c>.</summary>
    public static bool IsRoot(string path) => path == "/" || (path.Length == 3 && path[1] == ':' && path[2] is '\\' or '/');

    /// <summary>A path's directory and last entry name: <c>/tmp/a/b</c> → (<c>/tmp/a</c>, <c>b</c>); <c>/b</c> → (<c>/</c>, <c>b</c>).</summary>
    public static (string Directory, string Name) Split(string path)
    {
        var trimmed = path.Length > 1 ? path.TrimEnd('/', '\\') : path;
        var last = trimmed.LastIndexOfAny(['/', '\\']);
        if (last < 0)
        {
            return (".", trimmed);
        }
        // Keep the separator of a root: "/" and "C:\".
        var directory = last == 0 || (last == 2 && trimmed[1] == ':') ? trimmed[..(last + 1)] : trimmed[..last];
        return (directory, trimmed[(last + 1)..]);
    }

    /// <summary>An entry of a directory, with the directory's separator.</summary>
    public static string Combine(string directory, string name)
    {
        var separator = directory.Contains('\\', StringComparison.Ordinal) ? '\\' : '/';
        return directory.EndsWith(separator) ? directory + name : directory + separator + name;
    }

    /// <summary>
    /// A ListFilesInGuest matchPattern that matches exactly <paramref name="name"/>. Only regular-expression
    /// metacharacters are escaped, which both the Perl-style expressions of VMware Tools and RE2 read as literals.
    /// </summary>
    public static string ExactNamePattern(string name)
    {
        var pattern = new StringBuilder("^", name.Length + 8);
        foreach (var character in name)
        {
            if (@"\.+*?()|[]{}^$".Contains(character, StringComparison.Ordinal))
            {
                pattern.Append('\\');
            }
            pattern.Append(character);
        }
        return pattern.Append('$').ToString();
    }
}
