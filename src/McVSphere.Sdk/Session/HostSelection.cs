using McVSphere.Sdk.Errors;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;

namespace McVSphere.Sdk.Session;

/// <summary>
/// The one rule for tools scoped to an ESXi host by an optional <c>host_name</c>: a named host is looked up by name or
/// inventory path; with no name, the only host is used, and with several the call is refused with the list of hosts
/// (never "the first one", which would act on a host the caller did not choose).
/// </summary>
public static class HostSelection
{
    /// <summary>The tool parameter that names the host.</summary>
    public const string HostNameArgument = "host_name";

    /// <summary>Finds the host a host-scoped tool acts on, in one bulk read.</summary>
    /// <param name="session">The vSphere session.</param>
    /// <param name="hostName">The caller's <c>host_name</c>: a host name or inventory path; null or blank when not given.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="ToolException">No host was named and there is not exactly one host.</exception>
    /// <exception cref="VSphereObjectNotFoundException">No host has that name; the closest names are listed.</exception>
    /// <exception cref="VSphereAmbiguousNameException">Several hosts have that name; their paths are listed.</exception>
    public static async Task<InventoryObject> ResolveHostAsync(this IVSphereSession session, string? hostName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!string.IsNullOrWhiteSpace(hostName))
        {
            return await session.Client.Lookup.FindAsync(VSphereObjectKind.Host, hostName.Trim(), cancellationToken).ConfigureAwait(false);
        }
        var hosts = await session.Client.Lookup.ListAsync(VSphereObjectKind.Host, cancellationToken).ConfigureAwait(false);
        return hosts.Count switch
        {
            1 => hosts[0],
            0 => throw new ToolException(ToolErrorKind.NotFound, "This vCenter has no ESXi host, so there is nothing to act on."),
            _ => throw ToolException.InvalidArgument(HostNameArgument,
                $"{HostNameArgument} is required: this vCenter has {hosts.Count} hosts, so name the one to act on.", Names(hosts)),
        };
    }

    /// <summary>Each host's name, or its inventory path where several hosts share the name.</summary>
    private static IReadOnlyList<string> Names(IReadOnlyList<InventoryObject> hosts) =>
        hosts.GroupBy(host => host.Name, StringComparer.Ordinal)
            .SelectMany(sameName => sameName.Count() == 1 ? [sameName.Key] : sameName.Select(host => host.Path))
            .Order(StringComparer.Ordinal)
            .ToArray();
}
