using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace McVSphere.Host.Security;

/// <summary>
/// Copies tool arguments for the audit log with secrets replaced: passwords, tokens, keys and file contents, at any depth.
/// A key is secret when it is one of <see cref="SecretKeys"/> or ends with one of <see cref="SecretSuffixes"/> (case-insensitive).
/// In every other string, the user information of a URL (<c>https://user:password@host/</c>) is replaced.
/// </summary>
public static partial class ArgumentRedactor
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
            copy[key] = IsSecret(key) ? Redacted : RedactNested(JsonNode.Parse(value.GetRawText()));
        }
        return copy;
    }

    /// <summary><paramref name="text"/> with the user information of every URL in it (a password, often) replaced.</summary>
    public static string RedactUrlCredentials(string text) => UrlUserInfo().Replace(text, "${scheme}" + Redacted + "@");

    private static JsonNode? RedactNested(JsonNode? node)
    {
        if (node is JsonObject obj)
        {
            foreach (var key in obj.Select(p => p.Key).ToList())
            {
                if (IsSecret(key))
                {
                    obj[key] = Redacted;
                }
                else if (RedactNested(obj[key]) is var child && !ReferenceEquals(child, obj[key]))
                {
                    obj[key] = child;
                }
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                if (RedactNested(array[i]) is var item && !ReferenceEquals(item, array[i]))
                {
                    array[i] = item;
                }
            }
        }
        else if (node is JsonValue value && value.TryGetValue<string>(out var text))
        {
            return RedactUrlCredentials(text) is var redacted && redacted != text ? JsonValue.Create(redacted) : node;
        }
        return node;
    }

    // scheme://userinfo@ : the user information runs up to the last '@' before the path, query or fragment.
    [GeneratedRegex(@"(?<scheme>\b[a-zA-Z][a-zA-Z0-9+.\-]*://)[^/?#\s]*@")]
    private static partial Regex UrlUserInfo();
}
