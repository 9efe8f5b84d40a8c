using System.Text;
using System.Text.RegularExpressions;

namespace McVSphere.Host.Configuration;

/// <summary>
/// Reads a <c>.env</c> file the way the original mcvsphere did (pydantic-settings, which reads it with python-dotenv's
/// <c>dotenv_values</c>), so that a team's file works unchanged. DotNetEnv was not used: it expands <c>$NAME</c> without
/// braces (a password such as <c>pa$word</c> would change silently) and refuses quotes inside unquoted values.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>One <c>KEY=VALUE</c> a line, optionally after <c>export </c>; spaces around <c>=</c>; blank lines and lines
/// starting with <c>#</c> are skipped. A key alone (no <c>=</c>) sets nothing.</item>
/// <item>An unquoted value runs to the end of the line, cut at the first whitespace followed by <c>#</c> (a comment) and
/// trimmed; <c>a#b</c> keeps its <c>#</c>.</item>
/// <item><c>'single'</c> quotes keep the text as it is but for <c>\'</c> and <c>\\</c>; <c>"double"</c> quotes also
/// decode <c>\n \t \r \" \a \b \f \v</c>. Either may span lines, and a comment may follow the closing quote.</item>
/// <item><c>${NAME}</c> and <c>${NAME:-default}</c> are replaced, in every value, by an earlier key of the file or else
/// the environment (python-dotenv's interpolation, on by default in pydantic-settings).</item>
/// </list>
/// Where python-dotenv logs a line it cannot parse and goes on, this reader stops start-up naming the file and line
/// (never the line's text, which may hold a password), so that a setting is not dropped unnoticed.
/// </remarks>
internal static partial class DotEnvFile
{
    /// <summary>The settings of the file at <paramref name="path"/>: keys upper-cased, keys without a value left out.</summary>
    /// <exception cref="HostConfigurationException">A line is not KEY=VALUE; each problem names the file and line.</exception>
    public static Dictionary<string, string> Read(string path, IReadOnlyDictionary<string, string> environment) =>
        Parse(File.ReadAllText(path, Encoding.UTF8), path, environment);

    public static Dictionary<string, string> Parse(string text, string path, IReadOnlyDictionary<string, string> environment)
    {
        var problems = new List<string>();
        var bindings = new List<(string Key, string? Value)>();
        var reader = new Reader(text.StartsWith('\uFEFF') ? text[1..] : text);
        while (reader.SkipBlank())
        {
            var line = reader.Line;
            var error = ParseBinding(reader, out var binding);
            if (error is not null)
            {
                problems.Add($"{path}:{line}: not a KEY=VALUE line: {error}. The line is not shown, as it may hold a secret.");
                reader.SkipRestOfLine();
            }
            else if (binding is { } found)
            {
                bindings.Add(found);
            }
        }
        if (problems.Count > 0)
        {
            throw new HostConfigurationException(problems);
        }

        // Interpolation as python-dotenv's dotenv_values does it: the file's earlier keys win over the environment.
        var resolved = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in bindings)
        {
            resolved[key] = value is null ? null : Interpolate(value, resolved, environment);
        }
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in resolved)
        {
            if (value is not null)
            {
                settings[key.ToUpperInvariant()] = value;
            }
        }
        return settings;
    }

    /// <summary>One binding (or a comment line, giving null); returns what is wrong, never quoting the text.</summary>
    private static string? ParseBinding(Reader reader, out (string Key, string? Value)? binding)
    {
        binding = null;
        reader.Match(Export());
        string key;
        if (reader.Peek == '#')
        {
            reader.Match(Comment());
            return reader.Match(EndOfLine()) is null ? "unexpected text" : null;
        }
        if (reader.Peek == '\'')
        {
            var quoted = reader.Match(SingleQuotedKey());
            if (quoted is null)
            {
                return "the quote that opens the key is not closed";
            }
            key = quoted.Groups[1].Value;
        }
        else
        {
            var unquoted = reader.Match(UnquotedKey());
            if (unquoted is null)
            {
                return "no name before '='";
            }
            key = unquoted.Groups[1].Value;
        }
        reader.Match(InlineWhitespace());
        string? value = null;
        if (reader.Peek == '=')
        {
            var precededByWhitespace = reader.Match(EqualSign())!.Length > 1;
            var error = ParseValue(reader, precededByWhitespace, out value);
            if (error is not null)
            {
                return error;
            }
        }
        reader.Match(Comment());
        if (reader.Match(EndOfLine()) is null)
        {
            return value is null
                ? "the name is followed by something other than '='"
                : "text follows the closing quote (start a comment with ' #')";
        }
        binding = (key, value);
        return null;
    }

    private static string? ParseValue(Reader reader, bool precededByWhitespace, out string value)
    {
        value = "";
        switch (reader.Peek)
        {
            case '\'':
                var single = reader.Match(SingleQuotedValue());
                if (single is null)
                {
                    return "the single quote that opens the value is not closed";
                }
                value = SingleQuoteEscape().Replace(single.Groups[1].Value, m => m.Value[1..]);
                return null;
            case '"':
                var @double = reader.Match(DoubleQuotedValue());
                if (@double is null)
                {
                    return "the double quote that opens the value is not closed";
                }
                value = DoubleQuoteEscape().Replace(@double.Groups[1].Value, m => DecodeEscape(m.Value[1]));
                return null;
            case null or '\r' or '\n':
                return null;
            default:
                var part = reader.Match(UnquotedValue())!.Groups[1].Value;
                // "KEY=  # comment" is empty, while "KEY=#value" is the value "#value".
                value = precededByWhitespace && part.StartsWith('#') ? "" : InlineComment().Replace(part, "").TrimEnd();
                return null;
        }
    }

    private static string DecodeEscape(char escaped) => escaped switch
    {
        'a' => "\a",
        'b' => "\b",
        'f' => "\f",
        'n' => "\n",
        'r' => "\r",
        't' => "\t",
        'v' => "\v",
        _ => escaped.ToString(),
    };

    private static string Interpolate(string value, Dictionary<string, string?> earlier, IReadOnlyDictionary<string, string> environment) =>
        Variable().Replace(value, match =>
        {
            var name = match.Groups["name"].Value;
            if (earlier.TryGetValue(name, out var fromFile))
            {
                return fromFile ?? "";
            }
            return environment.TryGetValue(name, out var fromEnvironment) ? fromEnvironment : match.Groups["default"].Value;
        });

    // The grammar, each pattern anchored where the reader stands (\G). [^\S\r\n] is whitespace within a line.
    [GeneratedRegex(@"\G(?:export[^\S\r\n]+)?")]
    private static partial Regex Export();

    [GeneratedRegex(@"\G'([^']+)'")]
    private static partial Regex SingleQuotedKey();

    [GeneratedRegex(@"\G([^=#\s]+)")]
    private static partial Regex UnquotedKey();

    [GeneratedRegex(@"\G[^\S\r\n]*")]
    private static partial Regex InlineWhitespace();

    [GeneratedRegex(@"\G=[^\S\r\n]*")]
    private static partial Regex EqualSign();

    [GeneratedRegex(@"\G'((?:\\'|[^'])*)'")]
    private static partial Regex SingleQuotedValue();

    [GeneratedRegex(@"\G""((?:\\""|[^""])*)""")]
    private static partial Regex DoubleQuotedValue();

    [GeneratedRegex(@"\G([^\r\n]*)")]
    private static partial Regex UnquotedValue();

    [GeneratedRegex(@"\G(?:[^\S\r\n]*#[^\r\n]*)?")]
    private static partial Regex Comment();

    [GeneratedRegex(@"\G[^\S\r\n]*(?:\r\n|\n|\r|\z)")]
    private static partial Regex EndOfLine();

    [GeneratedRegex(@"\G[^\r\n]*(?:\r\n|\n|\r)?")]
    private static partial Regex RestOfLine();

    [GeneratedRegex(@"\s+#.*")]
    private static partial Regex InlineComment();

    [GeneratedRegex(@"\\[\\']")]
    private static partial Regex SingleQuoteEscape();

    [GeneratedRegex(@"\\[\\'""abfnrtv]")]
    private static partial Regex DoubleQuoteEscape();

    [GeneratedRegex(@"\$\{(?<name>[^}:]*)(?::-(?<default>[^}]*))?\}")]
    private static partial Regex Variable();

    /// <summary>A position in the text and the line it is on.</summary>
    private sealed class Reader(string text)
    {
        private int _position;

        public int Line { get; private set; } = 1;

        public char? Peek => _position < text.Length ? text[_position] : null;

        /// <summary>Skips whitespace and line ends; false at the end of the text.</summary>
        public bool SkipBlank()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position]))
            {
                Advance(1);
            }
            return _position < text.Length;
        }

        public void SkipRestOfLine() => Match(RestOfLine());

        /// <summary>Matches <paramref name="pattern"/> here and moves past it, or returns null and stays.</summary>
        public Match? Match(Regex pattern)
        {
            var match = pattern.Match(text, _position);
            if (!match.Success)
            {
                return null;
            }
            Advance(match.Length);
            return match;
        }

        private void Advance(int count)
        {
            for (var end = _position + count; _position < end; _position++)
            {
                // \r\n, \n and \r each end a line.
                if (text[_position] == '\n' || (text[_position] == '\r' && (_position + 1 >= text.Length || text[_position + 1] != '\n')))
                {
                    Line++;
                }
            }
        }
    }
}
