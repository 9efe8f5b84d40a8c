using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace McVSphere.Sdk.Net;

/// <summary>
/// Connections to servers named by callers (web sources of OVF packages, OAuth client metadata documents) that reach
/// only what the administrator allows: every address a name resolves to is checked before any is connected to, and
/// the connection goes to those checked addresses, not to a second resolution. Use as a
/// <see cref="SocketsHttpHandler.ConnectCallback"/>, with no proxy (which would connect on our behalf unchecked).
/// </summary>
public static class CheckedConnections
{
    /// <summary>
    /// An HTTP handler for servers a caller named: every connection checked by <paramref name="refusal"/>
    /// (<see cref="ConnectAsync"/>), no proxy, no cookies, and no redirects followed (a caller that follows them checks each).
    /// </summary>
    /// <param name="refusal">Why an address is refused, or null when it is allowed.</param>
    /// <param name="allowSetting">The setting that would allow a refused address, for the message.</param>
    /// <param name="connectTimeout">How long a connection may take.</param>
    public static SocketsHttpHandler Handler(Func<IPAddress, string?> refusal, string allowSetting, TimeSpan connectTimeout) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        ConnectTimeout = connectTimeout,
        ConnectCallback = (context, cancellationToken) => ConnectAsync(context, refusal, allowSetting, cancellationToken),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    /// <summary>
    /// Resolves the host, refuses the connection unless every address passes <paramref name="refusal"/> (null: allowed;
    /// else what the address is, e.g. "a loopback address"), and connects to the first that answers.
    /// </summary>
    /// <param name="context">The connection SocketsHttpHandler asks for.</param>
    /// <param name="refusal">Why an address is refused, or null when it is allowed.</param>
    /// <param name="allowSetting">The setting that would allow a refused address, for the message.</param>
    /// <param name="cancellationToken">Cancels resolving and connecting.</param>
    /// <exception cref="UnreachableAddressException">The name does not resolve, or an address is refused.</exception>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, Func<IPAddress, string?> refusal, string allowSetting,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = context.DnsEndPoint.Host;
        IPAddress[] addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                addresses = [];
            }
        }
        if (addresses.Length == 0)
        {
            throw new UnreachableAddressException($"the name '{host}' does not resolve.", refused: false);
        }
        foreach (var address in addresses)
        {
            if (refusal(address) is { } kind)
            {
                throw new UnreachableAddressException((literal is null ? $"{host} resolves to {address}, {kind}," : $"{address} is {kind},") +
                    $" which {allowSetting} does not allow.", refused: true);
            }
        }
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException error)
            {
                socket.Dispose();
                last = error;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }

    /// <summary>The <see cref="UnreachableAddressException"/> inside a failed request, if that is why it failed.</summary>
    public static UnreachableAddressException? FindUnreachable(Exception error)
    {
        for (Exception? inner = error; inner is not null; inner = inner.InnerException)
        {
            if (inner is UnreachableAddressException found)
            {
                return found;
            }
        }
        return null;
    }
}

/// <summary>A connection not tried: the name does not resolve, or an address was <see cref="Refused"/>. The message says which, and is safe to show.</summary>
public sealed class UnreachableAddressException(string message, bool refused) : Exception(message)
{
    /// <summary>True when an address was refused; false when the name did not resolve.</summary>
    public bool Refused { get; } = refused;
}

/// <summary>Which addresses are public: the rule of <see cref="CheckedConnections"/>' callers.</summary>
public static class AddressRules
{
    /// <summary>
    /// Why <paramref name="address"/> may not be connected to (e.g. "a loopback address"), or null when it may: it is
    /// public, or in one of <paramref name="allowedNetworks"/>. IPv4 addresses written as IPv6 (mapped, NAT64, 6to4)
    /// are judged as IPv4.
    /// </summary>
    public static string? Refusal(IPAddress address, IReadOnlyList<IPNetwork> allowedNetworks)
    {
        ArgumentNullException.ThrowIfNull(address);
        var judged = Embedded(address);
        return NonPublicKind(judged) is { } kind && !allowedNetworks.Any(network => network.Contains(judged) || network.Contains(address)) ? kind : null;
    }

    /// <summary>
    /// Reads an address (a range of one) or a CIDR range. A range with bits set past its prefix (10.1.2.3/8) is refused:
    /// it is a typo for an address or for another range.
    /// </summary>
    public static bool TryParseNetwork(string entry, out IPNetwork network)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (IPNetwork.TryParse(entry, out network) && IPAddress.TryParse(entry.Split('/')[0].Trim('[', ']'), out var written) && written.Equals(network.BaseAddress))
        {
            return true;
        }
        if (!entry.Contains('/') && IPAddress.TryParse(entry.Trim('[', ']'), out var address))
        {
            network = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }
        return false;
    }

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
