using System.Net;
using System.Net.Sockets;
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
        // A range with bits set past its prefix (10.1.2.3/8) is refused: it is a typo for an address or for another range.
        var networks = Entries(configuration[NetworksSetting]).Select(entry =>
            IPNetwork.TryParse(entry, out var network) && IPAddress.TryParse(entry.Split('/')[0].Trim('[', ']'), out var written) && written.Equals(network.BaseAddress)
                ? network
            : !entry.Contains('/') && IPAddress.TryParse(entry.Trim('[', ']'), out var address) ? new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)
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

    /// <summary>
    /// Why <paramref name="address"/> may not be connected to (e.g. "a loopback address"), or null when it may: it is
    /// public, or in an allowed network. IPv4 addresses written as IPv6 (mapped, NAT64, 6to4) are judged as IPv4.
    /// </summary>
    public string? Refusal(IPAddress address)
    {
        var judged = Embedded(address);
        return NonPublicKind(judged) is { } kind && !Networks.Any(network => network.Contains(judged) || network.Contains(address)) ? kind : null;
    }

    private static IEnumerable<string> Entries(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The IPv4 address an IPv6 address stands for, if any (::ffff:a.b.c.d, 64:ff9b::a.b.c.d, 2002:aabb:ccdd::), else the address itself.</summary>
    private static IPAddress Embedded(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }
        var bytes = address.GetAddressBytes();
        if (bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b && bytes[4..12].All(b => b == 0))
        {
            return new IPAddress(bytes[12..16]);
        }
        if (bytes[0] == 0x20 && bytes[1] == 0x02)
        {
            return new IPAddress(bytes[2..6]);
        }
        return address;
    }

    private static readonly (IPNetwork Network, string Kind)[] NonPublic =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "an unspecified ('this network') address"),
        (IPNetwork.Parse("127.0.0.0/8"), "a loopback address"),
        (IPNetwork.Parse("10.0.0.0/8"), "a private address"),
        (IPNetwork.Parse("172.16.0.0/12"), "a private address"),
        (IPNetwork.Parse("192.168.0.0/16"), "a private address"),
        (IPNetwork.Parse("100.64.0.0/10"), "a shared (CGNAT) address"),
        (IPNetwork.Parse("169.254.0.0/16"), "a link-local address (where cloud metadata services answer)"),
        (IPNetwork.Parse("192.0.0.0/24"), "a reserved (IETF protocol) address"),
        (IPNetwork.Parse("198.18.0.0/15"), "a reserved (benchmarking) address"),
        (IPNetwork.Parse("224.0.0.0/4"), "a multicast address"),
        (IPNetwork.Parse("240.0.0.0/4"), "a reserved or broadcast address"),
        (IPNetwork.Parse("::/128"), "an unspecified address"),
        (IPNetwork.Parse("::1/128"), "a loopback address"),
        (IPNetwork.Parse("::/96"), "a reserved (IPv4-compatible) address"),
        (IPNetwork.Parse("fc00::/7"), "a unique-local (private) address"),
        (IPNetwork.Parse("fe80::/10"), "a link-local address"),
        (IPNetwork.Parse("fec0::/10"), "a site-local (private) address"),
        (IPNetwork.Parse("ff00::/8"), "a multicast address"),
    ];

    private static string? NonPublicKind(IPAddress address) =>
        NonPublic.FirstOrDefault(range => range.Network.BaseAddress.AddressFamily == address.AddressFamily && range.Network.Contains(address)).Kind;
}
