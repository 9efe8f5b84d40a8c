using System.Net;
using McVSphere.Sdk.Net;
using Microsoft.Extensions.Configuration;

namespace McVSphere.Plugins.OvfOps;

/// <summary>
/// Which URLs packages may be downloaded from: hosts by name (<c>MCVSPHERE_URL_ALLOW</c>), and the addresses they may
/// resolve to beyond the public ones (<c>MCVSPHERE_URL_ALLOW_NETWORKS</c>). Without allowed hosts, URL sources are off.
/// </summary>
/// <param name="Hosts">Host patterns: a name or address, <c>*.example.com</c> for its sub-domains, or <c>*</c>.</param>
/// <param name="Networks">Non-public address ranges that may be connected to all the same.</param>
internal sealed record UrlSourceOptions(IReadOnlyList<string> Hosts, IReadOnlyList<IPNetwork> Networks)
{
    public const string HostsSetting = "MCVSPHERE_URL_ALLOW";
    public const string NetworksSetting = "MCVSPHERE_URL_ALLOW_NETWORKS";

    /// <summary>Reads the settings; an entry that is no host pattern or no address range stops the plugin with the reason.</summary>
    public static UrlSourceOptions From(IConfiguration configuration)
    {
        var hosts = Entries(configuration[HostsSetting]).Select(entry =>
        {
            var name = entry.StartsWith("*.", StringComparison.Ordinal) ? entry[2..] : entry;
            return entry == "*" || Uri.CheckHostName(name.Trim('[', ']')) != UriHostNameType.Unknown
                ? entry.Trim('[', ']').ToLowerInvariant()
                : throw new InvalidOperationException(
                    $"{HostsSetting} lists '{entry}', which is not a host pattern; write host names or addresses without scheme, port or path, e.g. downloads.example.com, *.example.com or *.");
        }).ToArray();
        var networks = Entries(configuration[NetworksSetting]).Select(entry =>
            AddressRules.TryParseNetwork(entry, out var network) ? network
            : throw new InvalidOperationException(
                $"{NetworksSetting} lists '{entry}', which is not an address or CIDR range (with no bits set past its prefix), e.g. 10.20.0.0/16, 192.168.1.5 or fd00:1::/64.")).ToArray();
        return new UrlSourceOptions(hosts, networks);
    }

    /// <summary>Whether <paramref name="host"/> (a URL's host, IPv6 in brackets or not) matches an allowed pattern.</summary>
    public bool AllowsHost(string host)
    {
        host = host.Trim('[', ']').TrimEnd('.').ToLowerInvariant();
        return Hosts.Any(pattern => pattern == "*" || pattern == host
            || (pattern.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(pattern[1..], StringComparison.Ordinal)));
    }

    /// <summary>Why <paramref name="address"/> may not be connected to, or null when it may (<see cref="AddressRules.Refusal"/> with <see cref="Networks"/>).</summary>
    public string? Refusal(IPAddress address) => AddressRules.Refusal(address, Networks);

    private static IEnumerable<string> Entries(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
