using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using McVSphere.Testing;

namespace McVSphere.IntegrationTests;

/// <summary>The ports tests name before their servers start cannot be taken by the kernel or by another test process.</summary>
public sealed class LoopbackPortsTests
{
    [Fact]
    public async Task A_reserved_port_is_below_the_ephemeral_range_free_and_locked_against_other_processes()
    {
        var ephemeralStart = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split('\t', ' ')[0], CultureInfo.InvariantCulture);
        var ports = Enumerable.Range(0, 3).Select(_ => LoopbackPorts.Reserve()).ToList();

        Assert.Equal(3, ports.Distinct().Count());
        Assert.All(ports, port => Assert.InRange(port, 1024, ephemeralStart - 1));
        foreach (var port in ports)
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start(); // nothing listens there: the server the test starts can bind it
            // flock(1) is another process trying the same lock as a second test process would.
            using var other = Process.Start(new ProcessStartInfo("flock", ["--nonblock", Path.Combine(Path.GetTempPath(), "mcvsphere-test-ports", port.ToString(CultureInfo.InvariantCulture)), "true"]))!;
            await other.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(1, other.ExitCode);
        }
    }
}
