using System.Security.Claims;
using McVSphere.Host.Configuration;

namespace McVSphere.Host.Security;

/// <summary>
/// Turns the principal the transport attached to a request into a <see cref="Caller"/>. With OAuth the identity and
/// groups come from the validated token; without it there is one trusted local caller at MCVSPHERE_STDIO_ROLE.
/// </summary>
public sealed class CallerResolver(McVSphereOptions options)
{
    // The first of these a token carries names the user in audit lines; client-credentials tokens carry only sub/client_id.
    private static readonly string[] UserClaims = ["preferred_username", "email", "upn", "name", "sub", "client_id"];

    private readonly SecurityOptions _security = options.Security;

    private readonly Caller _local = new(options.Transport == McpTransportKind.Stdio ? "local" : "anonymous", [], options.Security.LocalLevel);

    public Caller Resolve(ClaimsPrincipal? principal)
    {
        if (_security.OAuth is not { } oauth)
        {
            return _local;
        }
        if (principal?.Identity?.IsAuthenticated != true)
        {
            // The endpoint requires authentication, so this is not reached over HTTP; deny rather than trust.
            return new Caller("anonymous", [], null);
        }
        var user = UserClaims.Select(type => principal.FindFirst(type)?.Value).FirstOrDefault(v => !string.IsNullOrEmpty(v)) ?? "unknown";
        var groups = principal.FindAll(oauth.GroupsClaim).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToList();
        var grants = _security.RoleMap.GrantsOf(groups);
        return new Caller(user, groups, _security.RoleMap.LevelOf(groups), principal.FindFirst("sub")?.Value, principal.FindFirst("iss")?.Value, grants);
    }
}
