using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace McVSphere.Host.Configuration;

/// <summary>
/// Reads the original mcvsphere's YAML settings file: one flat mapping of its pydantic field names to values
/// (<c>vcenter_host: vc.example.com</c>), each name upper-cased to the environment variable (VCENTER_HOST).
/// </summary>
internal static partial class YamlSettingsFile
{
    /// <summary>The settings of <paramref name="text"/>; a key whose value is null (<c>key:</c>, <c>~</c>, <c>null</c>) sets nothing.</summary>
    /// <param name="source">How messages name the file, e.g. "--config: 'settings.yaml'".</param>
    /// <exception cref="HostConfigurationException">Not YAML, not a mapping, or a value that is a mapping or a list; values are never quoted.</exception>
    public static Dictionary<string, string> Parse(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new HostConfigurationException([$"{source} is not valid YAML: line {ex.Start.Line}, column {ex.Start.Column}: {Reason(ex)}"]);
        }
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode root && IsNull(root))
        {
            return settings;
        }
        if (stream.Documents.Count > 1)
        {
            throw new HostConfigurationException([$"{source} holds {stream.Documents.Count} YAML documents; put every setting in one."]);
        }
        if (stream.Documents[0].RootNode is not YamlMappingNode mapping)
        {
            throw new HostConfigurationException([$"{source} must be a mapping of setting names to values, e.g. 'vcenter_host: vc.example.com'."]);
        }
        var problems = new List<string>();
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { Length: > 0 } key })
            {
                problems.Add($"{source}: the key on line {keyNode.Start.Line} is not a setting name.");
                continue;
            }
            var name = key.Trim().ToUpperInvariant();
            switch (valueNode)
            {
                case YamlScalarNode scalar when IsNull(scalar):
                    break;
                case YamlScalarNode scalar:
                    settings[name] = scalar.Value ?? "";
                    break;
                case YamlMappingNode:
                    problems.Add($"{source}: '{key}' (line {keyNode.Start.Line}) holds a nested mapping; settings are flat 'name: value' keys, e.g. 'vcenter_host: vc.example.com'.");
                    break;
                default:
                    problems.Add($"{source}: '{key}' (line {keyNode.Start.Line}) holds a list; give one value (a list setting takes a comma-separated string).");
                    break;
            }
        }
        if (problems.Count > 0)
        {
            throw new HostConfigurationException(problems);
        }
        return settings;
    }

    // YAML's null: an empty plain scalar, ~ or null (not when quoted: "null" is the text null).
    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style is ScalarStyle.Plain or ScalarStyle.Any && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    // YamlDotNet's message starts with the positions, which the caller gives on its own.
    private static string Reason(YamlException ex) => Positions().Replace(ex.Message, "");

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex Positions();
}
