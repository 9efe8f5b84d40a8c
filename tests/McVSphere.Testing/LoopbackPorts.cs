using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace McVSphere.Testing;

/// <summary>
/// Ports on 127.0.0.1 that a test names before the server that will listen on them starts (a host whose OAuth resource
/// URL names its own port, a target that must refuse connections). A port bound to 0 and released is not safe for
/// that: it comes from the kernel's ephemeral range, which the kernel hands out again to any process's next outbound
/// connection or port-0 listener, and on a busy machine one takes it before the server binds. So ports come from
/// below that range, where the kernel never picks one by itself, and each is held for the life of the test process
/// by an exclusive lock on a file named after it, so that parallel test processes never pick the same one.
/// </summary>
public static class LoopbackPorts
{
    private const int Span = 8000;
    private static readonly Lock Gate = new();
    private static readonly List<FileStream> Held = [];
    private static readonly string LockDirectory = Path.Combine(Path.GetTempPath(), "mcvsphere-test-ports");
    private static readonly (int First, int Count) Range = BelowEphemeralRange();
    private static int _next = Random.Shared.Next(Range.Count);

    /// <summary>A port no other test process holds and nothing listens on now, held until this process exits.</summary>
    public static int Reserve()
    {
        Directory.CreateDirectory(LockDirectory);
        lock (Gate)
        {
            for (var tried = 0; tried < Range.Count; tried++)
            {
                var port = Range.First + (_next++ % Range.Count);
                if (TryHold(port))
                {
                    return port;
                }
            }
        }
        throw new InvalidOperationException($"no loopback port in {Range.First}-{Range.First + Range.Count - 1} is free");
    }

    private static bool TryHold(int port)
    {
        FileStream held;
        try
        {
            // On Unix, .NET takes FileShare.None as an exclusive advisory lock (flock): another process's open fails
            // while this one lives, and the kernel drops the lock when it ends, however it ends.
            held = new FileStream(Path.Combine(LockDirectory, port.ToString(CultureInfo.InvariantCulture)),
                FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return false;
        }
        if (!IsFree(port))
        {
            held.Dispose();
            return false;
        }
        Held.Add(held);
        return true;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Up to <see cref="Span"/> ports just below the ephemeral range (Linux: ip_local_port_range).</summary>
    private static (int First, int Count) BelowEphemeralRange()
    {
        var ephemeralStart = 32768;
        const string Setting = "/proc/sys/net/ipv4/ip_local_port_range";
        if (File.Exists(Setting)
            && int.TryParse(File.ReadAllText(Setting).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0],
                CultureInfo.InvariantCulture, out var low))
        {
            ephemeralStart = low;
        }
        var first = Math.Max(1024, ephemeralStart - Span);
        return ephemeralStart - first >= 100
            ? (first, ephemeralStart - first)
            : throw new InvalidOperationException($"the ephemeral port range starts at {ephemeralStart}: too low to keep test ports below it");
    }
}
