using McVSphere.Host.Hosting;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McVSphere.Host.Mcp;

/// <summary>
/// A plugin's resource on a named target (several vCenters): <c>esxi://{vcenter}/vms</c> beside <c>esxi://vms</c>,
/// which keeps meaning the default target. A read is answered by the plugin's resource, routed to the target
/// (<see cref="VCenterTargets.Enter"/>), with the URI the client asked for.
/// </summary>
public sealed class TargetResource(McpServerResource inner, VCenterTargets targets) : DelegatingMcpServerResource(inner)
{
    /// <summary>The URI template variable that names the target.</summary>
    public const string Variable = "{" + VCenterTargets.Argument + "}";

    private readonly ResourceTemplate _template = new()
    {
        UriTemplate = OnTarget(inner.ProtocolResourceTemplate.UriTemplate, Variable),
        Name = inner.ProtocolResourceTemplate.Name,
        Title = inner.ProtocolResourceTemplate.Title,
        Description = $"{inner.ProtocolResourceTemplate.Description} On the vCenter named by {Variable} ({string.Join(", ", targets.All.Select(t => t.Name))}).".Trim(),
        MimeType = inner.ProtocolResourceTemplate.MimeType,
        Meta = inner.ProtocolResourceTemplate.Meta,
    };

    public override ResourceTemplate ProtocolResourceTemplate => _template;

    public override Resource? ProtocolResource => null;

    /// <summary><paramref name="uri"/> with <paramref name="target"/> as its first segment: <c>esxi://vms</c> on lab is <c>esxi://lab/vms</c>.</summary>
    public static string OnTarget(string uri, string target)
    {
        var separator = uri.IndexOf("://", StringComparison.Ordinal);
        return separator < 0 ? uri : $"{uri[..(separator + 3)]}{target}/{uri[(separator + 3)..]}";
    }

    /// <summary>
    /// Whether <paramref name="uri"/> names a target in its first segment (<c>esxi://lab/vms</c>); if so, that target and
    /// the URI the plugin's resource answers to (<c>esxi://vms</c>).
    /// </summary>
    public static bool TrySplit(string uri, VCenterTargets targets, out TargetSession target, out string innerUri)
    {
        target = targets.Default;
        innerUri = uri;
        var separator = uri.IndexOf("://", StringComparison.Ordinal);
        var slash = separator < 0 ? -1 : uri.IndexOf('/', separator + 3);
        if (!targets.FromFile || slash < 0 || targets.Find(Uri.UnescapeDataString(uri[(separator + 3)..slash])) is not { } named)
        {
            return false;
        }
        target = named;
        innerUri = uri[..(separator + 3)] + uri[(slash + 1)..];
        return true;
    }

    public override bool IsMatch(string uri) => TrySplit(uri, targets, out _, out var innerUri) && base.IsMatch(innerUri);

    public override async ValueTask<ReadResourceResult> ReadAsync(RequestContext<ReadResourceRequestParams> request, CancellationToken cancellationToken = default)
    {
        var asked = request.Params!.Uri;
        if (!TrySplit(asked, targets, out var target, out var innerUri))
        {
            throw new InvalidOperationException($"{asked} names no target.");
        }
        using (targets.Enter(target))
        {
            request.Params.Uri = innerUri;
            try
            {
                var result = await base.ReadAsync(request, cancellationToken);
                foreach (var content in result.Contents.Where(content => content.Uri == innerUri))
                {
                    content.Uri = asked;
                }
                return result;
            }
            finally
            {
                request.Params.Uri = asked;
            }
        }
    }
}
