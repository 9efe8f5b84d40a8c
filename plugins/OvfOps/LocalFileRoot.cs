using McVSphere.Sdk.Errors;
using Microsoft.Extensions.Configuration;

namespace McVSphere.Plugins.OvfOps;

/// <summary>The directory of the server's own disk that the tools may read and write (<c>MCVSPHERE_FILE_ROOT</c>).</summary>
/// <param name="Root">Its real path (symbolic links resolved); null when the setting is unset, and local paths are refused.</param>
internal sealed record FileRootOptions(string? Root)
{
    public const string Setting = "MCVSPHERE_FILE_ROOT";

    /// <summary>Reads the setting; a root that is not an existing directory stops the plugin with the reason.</summary>
    public static FileRootOptions From(IConfiguration configuration)
    {
        var configured = configuration[Setting];
        if (string.IsNullOrWhiteSpace(configured))
        {
            return new FileRootOptions(Root: null);
        }
        var full = Path.GetFullPath(configured.Trim());
        if (!Directory.Exists(full))
        {
            throw new InvalidOperationException($"{Setting} is '{configured}', which is not an existing directory.");
        }
        return new FileRootOptions(LocalFileRoot.RealPath(full));
    }
}

/// <summary>
/// The one rule for paths on the server's own disk (OVF sources, export targets, upload sources, download targets):
/// a path is taken relative to the file root (or as an absolute path), every symbolic link in it is resolved, and the
/// real path must lie inside the root, so that neither <c>..</c> nor a link can reach anything else. Without a root,
/// local paths are refused.
/// </summary>
public sealed class LocalFileRoot
{
    private const int MaxLinks = 40;

    private readonly FileRootOptions _options;

    internal LocalFileRoot(FileRootOptions options) => _options = options;

    /// <summary>The real path of an existing file inside the root.</summary>
    /// <exception cref="ToolException">Outside the root, no root configured, or no such file.</exception>
    internal string ExistingFile(string path, string argument)
    {
        var real = Resolve(path, argument);
        return File.Exists(real)
            ? real
            : throw ToolException.InvalidArgument(argument, Directory.Exists(real)
                ? $"'{path}' is a directory; {argument} needs a file."
                : $"'{path}' does not exist under the file root {_options.Root}.");
    }

    /// <summary>
    /// The real path of a file to write inside the root, its parent directories created. An existing file is
    /// <paramref name="existing"/>: overwritten, or refused.
    /// </summary>
    internal string FileToWrite(string path, string argument, IfExists existing)
    {
        var real = Resolve(path, argument);
        if (Directory.Exists(real))
        {
            throw ToolException.InvalidArgument(argument, $"'{path}' is a directory; {argument} needs a file path.");
        }
        if (existing == IfExists.Refuse && File.Exists(real))
        {
            throw ToolException.Refused($"'{path}' already exists under the file root; choose another {argument} or delete it first.", argument);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(real)!);
        return real;
    }

    /// <summary>The real path of a directory inside the root, created when missing.</summary>
    internal string DirectoryToWrite(string path, string argument)
    {
        var real = Resolve(path, argument);
        if (File.Exists(real))
        {
            throw ToolException.InvalidArgument(argument, $"'{path}' is a file; {argument} needs a directory.");
        }
        Directory.CreateDirectory(real);
        return real;
    }

    /// <summary>The real path of a file beside <paramref name="realFile"/> (a file an OVF descriptor references), which must exist.</summary>
    internal string ExistingSibling(string realFile, string relativePath, string argument) =>
        ExistingFile(Path.Combine(Path.GetDirectoryName(realFile)!, relativePath), argument);

    /// <summary>
    /// The real path of <paramref name="path"/> (relative to the root, or absolute), which must lie inside the root.
    /// </summary>
    internal string Resolve(string path, string argument)
    {
        var root = _options.Root ?? throw ToolException.NotSupported(
            $"Local files are disabled on this server ({argument} '{path}'): its administrator has not set {FileRootOptions.Setting}. " +
            "Use a datastore path such as '[datastore] folder/file', an http(s) URL, or inline content instead.");
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            throw ToolException.InvalidArgument(argument, $"{argument} must be a path inside the file root {root}.");
        }
        var real = RealPath(Path.Combine(root, path.Trim()));
        return IsInside(real, root)
            ? real
            : throw ToolException.Refused(
                $"{argument} '{path}' leads to {real}, outside the file root {root} (through '..', an absolute path or a symbolic link). " +
                "Only files inside the file root can be read or written.", argument);
    }

    /// <summary>
    /// The physical path of <paramref name="path"/> (absolute): each component that is a symbolic link is replaced by
    /// its target, and <c>..</c> goes up from where the links led, as the kernel does. Components that do not exist
    /// yet are kept as they are.
    /// </summary>
    internal static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full)!;
        var pending = new Stack<string>(Components(full[root.Length..]).Reverse());
        var current = root;
        var links = 0;
        while (pending.TryPop(out var component))
        {
            if (component == ".")
            {
                continue;
            }
            if (component == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }
            var next = Path.Join(current, component);
            if (new FileInfo(next).LinkTarget is not { } target)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks)
            {
                throw new IOException($"Too many levels of symbolic links in '{path}'.");
            }
            foreach (var part in Components(target).Reverse())
            {
                pending.Push(part);
            }
            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target)!;
            }
        }
        return current;
    }

    private static bool IsInside(string real, string root) =>
        real == root || real.StartsWith(Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static IEnumerable<string> Components(string path) =>
        path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>What writing a file that already exists does.</summary>
internal enum IfExists
{
    Overwrite,
    Refuse,
}
