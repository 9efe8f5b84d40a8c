using McVSphere.Host.Configuration;
using McVSphere.Sdk.Security;

namespace McVSphere.Host.Security;

/// <summary>Decides whether a caller may use something that needs a given level, and says why not.</summary>
public sealed class AccessPolicy(McVSphereOptions options)
{
    private readonly bool _readOnly = options.Security.ReadOnly;

    public bool Allows(Caller caller, PermissionLevel required) =>
        caller.Level >= required && (!_readOnly || required == PermissionLevel.ReadOnly);

    /// <summary>The text of a denial of <paramref name="subject"/> (e.g. "tool 'delete_vm'"), naming the level it needs.</summary>
    public string DenialMessage(Caller caller, string subject, PermissionLevel required)
    {
        var needs = $"Permission denied: {subject} needs {required.ToWireName()}";
        if (_readOnly && required != PermissionLevel.ReadOnly)
        {
            return $"{needs}, and this server runs in read-only mode ({HostSettings.ReadOnly.Name}=true), which serves READ_ONLY tools only.";
        }
        return caller.Level is { } level
            ? $"{needs}; user '{caller.User}' has {level.ToWireName()}."
            : $"{needs}; user '{caller.User}' has no permission: none of the groups [{string.Join(", ", caller.Groups)}] is mapped to a level ({HostSettings.RoleMapping.Name}).";
    }
}
