using McVSphere.Sdk.Security;

namespace McVSphere.Host.Security;

/// <summary>
/// Maps OAuth groups to permission levels. A caller gets the highest level among its groups (levels include every level
/// below them, so that is the union of what the groups grant); a caller in no mapped group gets none: default deny.
/// Group names match exactly, as the identity provider spells them.
/// </summary>
public sealed class RoleMap
{
    private readonly Dictionary<string, PermissionLevel> _levels;

    private RoleMap(Dictionary<string, PermissionLevel> levels) => _levels = levels;

    public static RoleMap Default { get; } = new(new Dictionary<string, PermissionLevel>(StringComparer.Ordinal)
    {
        ["vsphere-readers"] = PermissionLevel.ReadOnly,
        ["vsphere-operators"] = PermissionLevel.PowerOps,
        ["vsphere-admins"] = PermissionLevel.VmLifecycle,
        ["vsphere-host-admins"] = PermissionLevel.HostAdmin,
        ["vsphere-super-admins"] = PermissionLevel.FullAdmin,
    });

    /// <summary>Each mapped group and the level it grants.</summary>
    public IReadOnlyDictionary<string, PermissionLevel> Levels => _levels;

    /// <summary>The highest level any of <paramref name="groups"/> grants, or null when none is mapped.</summary>
    public PermissionLevel? LevelOf(IEnumerable<string> groups)
    {
        PermissionLevel? highest = null;
        foreach (var group in groups)
        {
            if (_levels.TryGetValue(group, out var level) && (highest is null || level > highest))
            {
                highest = level;
            }
        }
        return highest;
    }

    /// <summary>
    /// Parses <c>group=LEVEL</c> pairs separated by commas or semicolons, e.g. <c>ops=POWER_OPS,/admins=FULL_ADMIN</c>.
    /// A group is split from its level at the last <c>=</c>, so group names may contain one.
    /// </summary>
    public static bool TryParse(string text, out RoleMap map, out string error)
    {
        var levels = new Dictionary<string, PermissionLevel>(StringComparer.Ordinal);
        map = Default;
        foreach (var entry in text.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = entry.LastIndexOf('=');
            var group = separator > 0 ? entry[..separator].Trim() : "";
            if (group.Length == 0)
            {
                error = $"'{entry}' is not group=LEVEL.";
                return false;
            }
            if (!PermissionLevelNames.TryParse(entry[(separator + 1)..], out var level))
            {
                error = $"'{entry[(separator + 1)..].Trim()}' (for group '{group}') is not a level; use one of {string.Join(", ", PermissionLevelNames.All)}.";
                return false;
            }
            if (!levels.TryAdd(group, level))
            {
                error = $"group '{group}' is mapped twice.";
                return false;
            }
        }
        if (levels.Count == 0)
        {
            error = "maps no group; leave it unset for the default mapping.";
            return false;
        }
        map = new RoleMap(levels);
        error = "";
        return true;
    }

    /// <summary>The mapping in the form <see cref="TryParse"/> reads.</summary>
    public override string ToString() => string.Join(",", _levels.Select(p => $"{p.Key}={p.Value.ToWireName()}"));
}
