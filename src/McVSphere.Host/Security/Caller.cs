using McVSphere.Sdk.Security;

namespace McVSphere.Host.Security;

/// <summary>Who sent an MCP request, as policy and audit see them.</summary>
/// <param name="User">The user name, for audit lines and messages.</param>
/// <param name="Groups">The caller's groups as the token lists them; empty without OAuth.</param>
/// <param name="Level">The highest level the caller holds, or null for none (default deny).</param>
public sealed record Caller(string User, IReadOnlyList<string> Groups, PermissionLevel? Level);
