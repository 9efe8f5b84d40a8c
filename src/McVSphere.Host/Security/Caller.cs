using McVSphere.Sdk.Security;

namespace McVSphere.Host.Security;

/// <summary>Who sent an MCP request, as policy and audit see them.</summary>
/// <param name="User">The user name, for audit lines and messages. A display claim: two principals may share it.</param>
/// <param name="Groups">The caller's groups as the token lists them; empty without OAuth.</param>
/// <param name="Level">The highest level the caller holds on any target, or null for none (default deny).</param>
/// <param name="Subject">The token's <c>sub</c>: with <paramref name="Issuer"/>, what tells one principal from another. Null without OAuth.</param>
/// <param name="Issuer">The token's <c>iss</c>. Null without OAuth.</param>
/// <param name="Grants">The role map's grants of the caller's groups; null when <paramref name="Level"/> holds on every target.</param>
public sealed record Caller(string User, IReadOnlyList<string> Groups, PermissionLevel? Level, string? Subject = null, string? Issuer = null,
    IReadOnlyList<RoleGrant>? Grants = null)
{
    /// <summary>The highest level the caller holds on the target named <paramref name="target"/>, or null for none.</summary>
    public PermissionLevel? LevelOn(string target) =>
        Grants is null ? Level : Grants.Where(grant => grant.AppliesTo(target)).Select(grant => (PermissionLevel?)grant.Level).Max();
}
