namespace McVSphere.Sdk.Security;

/// <summary>
/// Declares the permission level a tool needs. Every tool method must carry one: the host refuses a plugin
/// with a tool that lacks it, and enforces it for every call (RBAC, read-only mode) and derives the tool's MCP
/// annotations from it where the tool does not set them.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class RequiresPermissionAttribute(PermissionLevel level) : Attribute
{
    /// <summary>The level a caller needs.</summary>
    public PermissionLevel Level { get; } = level;
}
