using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using McVSphere.Sdk.Errors;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.GuestOps;

/// <summary>
/// Guest OS credentials: given per call, or configured on the server per VM name pattern so that passwords need not
/// pass through the assistant. The file named by <see cref="FileSetting"/> holds a JSON array of
/// <c>{"vm_pattern": "web-*", "username": "...", "password": "..."}</c>; patterns use <c>*</c> and <c>?</c> and
/// ignore case, and the first entry that matches the VM (and the user, when one is given) applies.
/// Passwords never appear in messages.
/// </summary>
public sealed class GuestCredentials
{
    /// <summary>The setting that names the credentials file.</summary>
    public const string FileSetting = "MCVSPHERE_GUEST_CREDENTIALS_FILE";

    private static readonly JsonSerializerOptions FileFormat = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private readonly IReadOnlyList<(Regex Pattern, string Text, string Username, string Password)> _entries;

    private GuestCredentials(IReadOnlyList<(Regex, string, string, string)> entries) => _entries = entries;

    /// <summary>Reads the credentials file; none configured (null or empty <paramref name="file"/>) gives an empty set.</summary>
    /// <exception cref="InvalidOperationException">The file is missing or malformed; the message names it and the entry.</exception>
    public static GuestCredentials Load(string? file)
    {
        if (string.IsNullOrWhiteSpace(file))
        {
            return new GuestCredentials([]);
        }
        ConfiguredEntry?[]? entries;
        try
        {
            using var stream = File.OpenRead(file);
            entries = JsonSerializer.Deserialize<ConfiguredEntry?[]>(stream, FileFormat);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new InvalidOperationException($"{FileSetting}: cannot read the guest credentials file '{file}': {error.Message}", error);
        }
        if (entries is null)
        {
            throw new InvalidOperationException($"{FileSetting}: '{file}' must hold a JSON array of {{\"vm_pattern\", \"username\", \"password\"}} objects.");
        }
        var parsed = new List<(Regex, string, string, string)>(entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            if (entry is null || string.IsNullOrWhiteSpace(entry.VmPattern) || string.IsNullOrEmpty(entry.Username) || entry.Password is null)
            {
                throw new InvalidOperationException(
                    $"{FileSetting}: entry {i + 1} of '{file}' needs a non-empty \"vm_pattern\" and \"username\", and a \"password\".");
            }
            parsed.Add((Glob(entry.VmPattern), entry.VmPattern, entry.Username, entry.Password));
        }
        return new GuestCredentials(parsed);
    }

    /// <summary>
    /// The credentials for a call on <paramref name="vmName"/>: the given user name and password; else the configured
    /// ones for the VM (for the given user, when only a user name is given).
    /// </summary>
    /// <exception cref="ToolException">A password without a user name, or nothing given and nothing configured.</exception>
    public NamePasswordAuthentication Resolve(string vmName, string? username, string? password)
    {
        if (!string.IsNullOrEmpty(password))
        {
            return string.IsNullOrEmpty(username)
                ? throw ToolException.InvalidArgument("username", "A password was given without a username: give both, or neither to use the credentials configured on the server.")
                : new NamePasswordAuthentication { Username = username, Password = password };
        }
        foreach (var (pattern, _, configuredUser, configuredPassword) in _entries)
        {
            if (pattern.IsMatch(vmName) && (string.IsNullOrEmpty(username) || username == configuredUser))
            {
                return new NamePasswordAuthentication { Username = configuredUser, Password = configuredPassword };
            }
        }
        var configured = _entries.Count == 0
            ? $"none are configured on the server ({FileSetting})"
            : $"none of those configured on the server match '{vmName}'{(string.IsNullOrEmpty(username) ? "" : $" for user '{username}'")} " +
              $"(patterns: {string.Join(", ", _entries.Select(entry => entry.Text).Distinct())})";
        throw ToolException.InvalidArgument(string.IsNullOrEmpty(username) ? "username" : "password",
            $"Guest credentials are needed for '{vmName}': give username and password, or configure them on the server; {configured}.");
    }

    /// <summary>A case-insensitive regular expression for a pattern with <c>*</c> and <c>?</c>.</summary>
    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);

    private sealed record ConfiguredEntry(string? VmPattern, string? Username, string? Password);
}
