using System.Net;
using McVSphere.Host.Security;
using McVSphere.Sdk.Security;

namespace McVSphere.Host.Configuration;

/// <summary>The security settings: OAuth, access control, audit and the Host/Origin checks.</summary>
public sealed partial class McVSphereOptionsReader
{
    private SecurityOptions ReadSecurity(McVSphereOptions options)
    {
        var oauthEnabled = ReadBool(HostSettings.OAuthEnabled);
        var oauth = oauthEnabled ? ReadOAuth(options.Transport) : null;
        var allowUnauthenticated = ReadBool(HostSettings.AllowUnauthenticated);
        // The same rule applies to the addresses Kestrel binds whatever set them (Hosting/ListenAddressCheck).
        if (!oauthEnabled && options.Transport == McpTransportKind.StreamableHttp && !IsLoopback(options.HttpHost) && !allowUnauthenticated)
        {
            Problem(HostSettings.HttpHost,
                $"'{options.HttpHost}' is not a loopback address and {HostSettings.OAuthEnabled.Name} is not true, so anyone who reaches the port could manage vSphere. " +
                $"Set {HostSettings.OAuthEnabled.Name}=true, bind to 127.0.0.1, or set {HostSettings.AllowUnauthenticated.Name}=true to serve unauthenticated callers on purpose.");
        }
        return new SecurityOptions
        {
            OAuth = oauth,
            AllowUnauthenticated = allowUnauthenticated,
            RoleMap = ReadRoleMap(options.Targets?.All.Select(target => target.Name).ToList() ?? [VCenterTarget.SingleTargetName]),
            LocalLevel = ReadLevel(HostSettings.StdioRole),
            ReadOnly = ReadBool(HostSettings.ReadOnly),
            Audit = ReadAudit(),
            DnsRebinding = ReadDnsRebinding(options.HttpHost, oauth),
        };
    }

    private OAuthSettings? ReadOAuth(McpTransportKind transport)
    {
        var problems = _problems.Count;
        if (transport != McpTransportKind.StreamableHttp)
        {
            Problem(HostSettings.OAuthEnabled, $"OAuth protects the HTTP endpoint only; set {HostSettings.Transport.Name}=streamable-http.");
        }
        var issuer = ReadHttpUrl(HostSettings.OAuthIssuerUrl, "the issuer of your OpenID provider, e.g. https://auth.example.com/realms/ops");
        if (issuer is not null && issuer.Scheme != Uri.UriSchemeHttps && !IsLoopback(issuer.Host))
        {
            Problem(HostSettings.OAuthIssuerUrl, $"'{issuer}' must use https; plain http is accepted on loopback only.");
        }
        var baseUrl = ReadHttpUrl(HostSettings.OAuthBaseUrl, "the public URL of this server, e.g. https://mcp.example.com");
        if (_problems.Count > problems || issuer is null || baseUrl is null)
        {
            return null;
        }
        var resource = new Uri(baseUrl.AbsoluteUri.TrimEnd('/') + "/mcp");
        var clientId = Get(HostSettings.OAuthClientId);
        IReadOnlyList<string> audiences = Get(HostSettings.OAuthAudience) is { } listed
            ? SplitList(listed)
            : clientId is null ? [resource.AbsoluteUri] : [resource.AbsoluteUri, clientId];
        var secret = Get(HostSettings.OAuthClientSecret);
        if (secret is not null && clientId is null)
        {
            Problem(HostSettings.OAuthClientSecret, $"is set without {HostSettings.OAuthClientId.Name}: proxy mode needs both, the client id and its secret.");
        }
        return new OAuthSettings(
            Get(HostSettings.OAuthIssuerUrl)!, resource, audiences,
            Get(HostSettings.OAuthGroupsClaim) ?? HostSettings.OAuthGroupsClaim.Default!,
            (Get(HostSettings.OAuthScopes) ?? HostSettings.OAuthScopes.Default!).Split(' ', StringSplitOptions.RemoveEmptyEntries),
            clientId is not null && secret is not null
                ? new OAuthProxySettings(clientId, secret, baseUrl.AbsoluteUri.TrimEnd('/'), ReadNetworks(HostSettings.OAuthClientMetadataNetworks))
                : null);
    }

    private Uri? ReadHttpUrl(SettingDefinition setting, string what)
    {
        var text = Get(setting);
        if (text is null)
        {
            Problem(setting, $"is required when {HostSettings.OAuthEnabled.Name}=true: {what}.");
            return null;
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            Problem(setting, $"'{text}' is not an http(s) URL: {what}.");
            return null;
        }
        return url;
    }

    private RoleMap ReadRoleMap(IReadOnlyList<string> targets)
    {
        var text = Get(HostSettings.RoleMapping);
        if (text is null)
        {
            return RoleMap.Default;
        }
        if (!RoleMap.TryParse(text, out var map, out var error))
        {
            Problem(HostSettings.RoleMapping, error);
        }
        // A pattern that matches no target is a typo that would silently grant nothing.
        foreach (var (group, grants) in map.Grants)
        {
            foreach (var pattern in grants.SelectMany(grant => grant.Targets ?? []).Where(pattern => !targets.Any(target => RoleGrant.Matches(pattern, target))))
            {
                Problem(HostSettings.RoleMapping, $"group '{group}': targets pattern '{pattern}' matches no target; the targets are {string.Join(", ", targets)}.");
            }
        }
        return map;
    }

    private PermissionLevel ReadLevel(SettingDefinition setting)
    {
        var text = Get(setting) ?? setting.Default!;
        if (PermissionLevelNames.TryParse(text, out var level))
        {
            return level;
        }
        Problem(setting, $"'{text}' is not a level; use one of {string.Join(", ", PermissionLevelNames.All)}.");
        return PermissionLevel.ReadOnly;
    }

    private AuditSettings ReadAudit()
    {
        var file = Get(HostSettings.AuditFile);
        if (file is not null && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(file))))
        {
            Problem(HostSettings.AuditFile, $"the directory of '{file}' does not exist.");
        }
        return new AuditSettings(file is null ? null : Path.GetFullPath(file), ReadBool(HostSettings.AuditStderr));
    }

    private DnsRebindingSettings ReadDnsRebinding(string httpHost, OAuthSettings? oauth)
    {
        var hosts = Get(HostSettings.AllowedHosts) is { } listed
            ? SplitList(listed)
            : DnsRebindingSettings.LoopbackHosts
                .Concat(oauth is null ? [] : [oauth.ResourceUrl.Host])
                .Concat(IsWildcard(httpHost) ? [] : [AsHostHeader(httpHost)])
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .ToList();
        IReadOnlyList<string>? origins = null;
        if (Get(HostSettings.AllowedOrigins) is { } text)
        {
            origins = SplitList(text).Select(o => o.TrimEnd('/')).ToList();
            foreach (var origin in origins.Where(o => o != "*" && !IsOrigin(o)))
            {
                Problem(HostSettings.AllowedOrigins, $"'{origin}' is not an origin; write scheme://host[:port], e.g. https://app.example.com, or *.");
            }
        }
        return new DnsRebindingSettings(hosts, origins);
    }

    private IReadOnlyList<System.Net.IPNetwork> ReadNetworks(SettingDefinition setting)
    {
        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in SplitList(Get(setting) ?? ""))
        {
            if (McVSphere.Sdk.Net.AddressRules.TryParseNetwork(entry, out var network))
            {
                networks.Add(network);
            }
            else
            {
                Problem(setting, $"lists '{entry}', which is not an address or CIDR range (with no bits set past its prefix), e.g. 10.20.0.0/16 or 192.168.1.5.");
            }
        }
        return networks;
    }

    private static IReadOnlyList<string> SplitList(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool IsOrigin(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && url.AbsolutePath == "/" && !text.EndsWith('/') && url.Query.Length == 0;

    /// <summary>True for <c>localhost</c> and loopback IP addresses, with or without IPv6 brackets.</summary>
    internal static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static bool IsWildcard(string host) => host is "0.0.0.0" or "::" or "[::]" or "*" or "+";

    private static string AsHostHeader(string host) => host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host;
}
