using System.Text.Json;
using System.Text.Json.Nodes;

namespace McVSphere.Host.Security;

/// <summary>
/// Copies tool arguments for the audit log with secrets replaced: passwords, tokens, keys and file contents, at any depth.
/// A key is secret when it is one of <see cref="SecretKeys"/> or ends with one of <see cref="SecretSuffixes"/> (case-insensitive).
/// </summary>
public static class ArgumentRedactor
{
    public const string Redacted = "[REDACTED]";

    private static readonly HashSet<string> SecretKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "password", "passphrase", "secret", "token", "api_key", "private_key", "authorization", "content", "content_base64",
    };

    private static readonly string[] SecretSuffixes = ["_password", "_secret", "_token"];

    public static bool IsSecret(string key) =>
        SecretKeys.Contains(key) || SecretSuffixes.Any(suffix => key.EndsWith(suffix, StringComparison.OrdinalIgnoreCase));

    public static JsonObject Redact(IEnumerable<KeyValuePair<string, JsonElement>>? arguments)
    {
        var copy = new JsonObject();
        foreach (var (key, value) in arguments ?? [])
        {
            var node = IsSecret(key) ? Redacted : JsonNode.Parse(value.GetRawText());
            RedactNested(node);
            copy[key] = node;
        }
        return copy;
    }

    private static void RedactNested(JsonNode? node)
    {
        if (node is JsonObject obj)
        {
            foreach (var key in obj.Select(p => p.Key).ToList())
            {
                if (IsSecret(key))
                {
                    obj[key] = Redacted;
                }
                else
                {
                    RedactNested(obj[key]);
                }
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                RedactNested(item);
            }
        }
    }
}
