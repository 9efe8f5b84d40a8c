using System.Text.Json;
using System.Text.RegularExpressions;
using McVSphere.Sdk.Security;

namespace McVSphere.Host.Security;

/// <summary>A level a group grants, on every target or on the targets whose names match <see cref="Targets"/>.</summary>
/// <param name="Level">The level granted.</param>
/// <param name="Targets">Target name patterns ('*' and '?', ignoring case); null: every target.</param>
public sealed record RoleGrant(PermissionLevel Level, IReadOnlyList<string>? Targets = null)
{
    /// <summary>Whether this grant applies on <paramref name="target"/>.</summary>
    public bool AppliesTo(string target) => Targets is null || Targets.Any(pattern => Matches(pattern, target));

    /// <summary>Whether the name pattern <paramref name="pattern"/> ('*' any text, '?' one character, ignoring case) matches <paramref name="name"/>.</summary>
    public static bool Matches(string pattern, string name) =>
        Regex.IsMatch(name, "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}

/// <summary>
/// Maps OAuth groups to permission levels, on every target or on some (several vCenters, MCVSPHERE_TARGETS_FILE). A
/// caller gets, on each target, the highest level among its groups' grants there (levels include every level below
/// them, so that is the union of what the groups grant); a caller in no mapped group gets none: default deny.
/// Group names match exactly, as the identity provider spells them.
/// </summary>
public sealed class RoleMap
{
    private readonly Dictionary<string, IReadOnlyList<RoleGrant>> _grants;
    private readonly bool _json;

    private RoleMap(Dictionary<string, IReadOnlyList<RoleGrant>> grants, bool json)
    {
        _grants = grants;
        _json = json;
    }

    public static RoleMap Default { get; } = new(new Dictionary<string, IReadOnlyList<RoleGrant>>(StringComparer.Ordinal)
    {
        ["vsphere-readers"] = [new(PermissionLevel.ReadOnly)],
        ["vsphere-operators"] = [new(PermissionLevel.PowerOps)],
        ["vsphere-admins"] = [new(PermissionLevel.VmLifecycle)],
        ["vsphere-host-admins"] = [new(PermissionLevel.HostAdmin)],
        ["vsphere-super-admins"] = [new(PermissionLevel.FullAdmin)],
    }, json: false);

    /// <summary>Each mapped group and the highest level it grants anywhere.</summary>
    public IReadOnlyDictionary<string, PermissionLevel> Levels => _grants.ToDictionary(g => g.Key, g => g.Value.Max(grant => grant.Level), StringComparer.Ordinal);

    /// <summary>Each mapped group and its grants.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<RoleGrant>> Grants => _grants;

    /// <summary>The highest level any of <paramref name="groups"/> grants on any target, or null when none is mapped.</summary>
    public PermissionLevel? LevelOf(IEnumerable<string> groups) => GrantsOf(groups).Select(grant => (PermissionLevel?)grant.Level).Max();

    /// <summary>The grants of <paramref name="groups"/>.</summary>
    public IReadOnlyList<RoleGrant> GrantsOf(IEnumerable<string> groups) =>
        [.. groups.SelectMany(group => _grants.GetValueOrDefault(group) ?? [])];

    /// <summary>
    /// Parses <c>group=LEVEL</c> pairs separated by commas or semicolons, e.g. <c>ops=POWER_OPS,/admins=FULL_ADMIN</c>
    /// (a group is split from its level at the last <c>=</c>, so group names may contain one); or a JSON object whose
    /// values are a level, <c>{"level": "VM_LIFECYCLE", "targets": ["lab-*"]}</c>, or an array of those.
    /// </summary>
    public static bool TryParse(string text, out RoleMap map, out string error)
    {
        map = Default;
        var grants = new Dictionary<string, IReadOnlyList<RoleGrant>>(StringComparer.Ordinal);
        var json = text.TrimStart().StartsWith('{');
        error = json ? ParseJson(text, grants) : ParsePairs(text, grants);
        if (error.Length > 0)
        {
            return false;
        }
        if (grants.Count == 0)
        {
            error = "maps no group; leave it unset for the default mapping.";
            return false;
        }
        map = new RoleMap(grants, json);
        return true;
    }

    private static string ParsePairs(string text, Dictionary<string, IReadOnlyList<RoleGrant>> grants)
    {
        foreach (var entry in text.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = entry.LastIndexOf('=');
            var group = separator > 0 ? entry[..separator].Trim() : "";
            if (group.Length == 0)
            {
                return $"'{entry}' is not group=LEVEL.";
            }
            if (!PermissionLevelNames.TryParse(entry[(separator + 1)..], out var level))
            {
                return $"'{entry[(separator + 1)..].Trim()}' (for group '{group}') is not a level; use one of {string.Join(", ", PermissionLevelNames.All)}.";
            }
            if (!grants.TryAdd(group, [new RoleGrant(level)]))
            {
                return $"group '{group}' is mapped twice.";
            }
        }
        return "";
    }

    private static string ParseJson(string text, Dictionary<string, IReadOnlyList<RoleGrant>> grants)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            return $"is not valid JSON: {ex.Message}";
        }
        using (document)
        {
            foreach (var group in document.RootElement.EnumerateObject())
            {
                var list = new List<RoleGrant>();
                var values = group.Value.ValueKind == JsonValueKind.Array ? [.. group.Value.EnumerateArray()] : new[] { group.Value };
                foreach (var value in values)
                {
                    if (ParseGrant(group.Name, value, out var grant) is { Length: > 0 } problem)
                    {
                        return problem;
                    }
                    list.Add(grant!);
                }
                if (list.Count == 0 || !grants.TryAdd(group.Name, list))
                {
                    return list.Count == 0 ? $"group '{group.Name}' has an empty list of grants." : $"group '{group.Name}' is mapped twice.";
                }
            }
        }
        return "";
    }

    private static string ParseGrant(string group, JsonElement value, out RoleGrant? grant)
    {
        grant = null;
        var levelText = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object when value.TryGetProperty("level", out var level) && level.ValueKind == JsonValueKind.String => level.GetString(),
            _ => null,
        };
        if (levelText is null)
        {
            return $"group '{group}': give a level, or {{\"level\": \"LEVEL\", \"targets\": [\"pattern\", ...]}}.";
        }
        if (!PermissionLevelNames.TryParse(levelText, out var parsed))
        {
            return $"'{levelText}' (for group '{group}') is not a level; use one of {string.Join(", ", PermissionLevelNames.All)}.";
        }
        List<string>? targets = null;
        if (value.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in value.EnumerateObject().Where(p => p.Name is not ("level" or "targets")))
            {
                return $"group '{group}': '{property.Name}' is not a grant field; a grant takes \"level\" and \"targets\".";
            }
            if (value.TryGetProperty("targets", out var names))
            {
                if (names.ValueKind != JsonValueKind.Array || names.GetArrayLength() == 0 || names.EnumerateArray().Any(n => n.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(n.GetString())))
                {
                    return $"group '{group}': targets must be a non-empty array of target names or patterns, e.g. [\"lab-*\"].";
                }
                targets = [.. names.EnumerateArray().Select(n => n.GetString()!.Trim())];
            }
        }
        grant = new RoleGrant(parsed, targets);
        return "";
    }

    /// <summary>The mapping in the form <see cref="TryParse"/> reads.</summary>
    public override string ToString() => _json
        ? JsonSerializer.Serialize(_grants.ToDictionary(g => g.Key, g => g.Value.Select(grant => grant.Targets is null
            ? (object)grant.Level.ToWireName()
            : new Dictionary<string, object> { ["level"] = grant.Level.ToWireName(), ["targets"] = grant.Targets }).ToList()))
        : string.Join(",", _grants.Select(p => $"{p.Key}={p.Value[0].Level.ToWireName()}"));
}
