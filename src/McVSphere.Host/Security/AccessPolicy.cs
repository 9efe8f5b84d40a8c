using McVSphere.Host.Configuration;
using McVSphere.Host.Hosting;
using McVSphere.Sdk.Security;

namespace McVSphere.Host.Security;

/// <summary>
/// Decides whether a caller may use something that needs a given level, on a target or on any target, and says why
/// not. Read-only mode (MCVSPHERE_READ_ONLY, or a target's read_only) caps every caller at READ_ONLY.
/// </summary>
public sealed class AccessPolicy(McVSphereOptions options, VCenterTargets? targets = null)
{
    private readonly bool _readOnly = options.Security.ReadOnly;

    /// <summary>Whether <paramref name="caller"/> may use something needing <paramref name="required"/> on some target (what tools/list shows).</summary>
    public bool Allows(Caller caller, PermissionLevel required) =>
        targets is null ? caller.Level >= required && Writable(null, required) : targets.All.Any(target => Allows(caller, required, target));

    /// <summary>Whether <paramref name="caller"/> may use something needing <paramref name="required"/> on <paramref name="target"/>.</summary>
    public bool Allows(Caller caller, PermissionLevel required, TargetSession target) =>
        caller.LevelOn(target.Name) >= required && Writable(target, required);

    private bool Writable(TargetSession? target, PermissionLevel required) =>
        required == PermissionLevel.ReadOnly || (!_readOnly && target?.Target.ReadOnly != true);

    /// <summary>The text of a denial of <paramref name="subject"/> (e.g. "tool 'delete_vm'"), naming the level it needs.</summary>
    public string DenialMessage(Caller caller, string subject, PermissionLevel required, TargetSession? target = null)
    {
        var on = target is not null && targets?.FromFile == true ? $" on vCenter '{target.Name}'" : "";
        var needs = $"Permission denied: {subject} needs {required.ToWireName()}{on}";
        if (_readOnly && required != PermissionLevel.ReadOnly)
        {
            return $"{needs}, and this server runs in read-only mode ({HostSettings.ReadOnly.Name}=true), which serves READ_ONLY tools only.";
        }
        if (target?.Target.ReadOnly == true && required != PermissionLevel.ReadOnly)
        {
            return $"{needs}, and vCenter '{target.Name}' is read-only ({HostSettings.TargetsFile.Name}: read_only), which serves READ_ONLY tools only.";
        }
        var held = target is null ? caller.Level : caller.LevelOn(target.Name);
        return held is { } level
            ? $"{needs}; user '{caller.User}' has {level.ToWireName()}{on}."
            : caller.Level is not null
                ? $"{needs}; user '{caller.User}' has no permission{on} (the groups [{string.Join(", ", caller.Groups)}] are mapped on other targets only, {HostSettings.RoleMapping.Name})."
                : $"{needs}; user '{caller.User}' has no permission: none of the groups [{string.Join(", ", caller.Groups)}] is mapped to a level ({HostSettings.RoleMapping.Name}).";
    }
}
