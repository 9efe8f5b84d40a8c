using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using McVSphere.Testing;

namespace McVSphere.IntegrationTests;

/// <summary>How the host reports a vCenter that does not answer, within the time limits its settings give.</summary>
public class VCenterTimeLimitTests
{
    /// <summary>A server on loopback that accepts TCP connections and never sends a byte.</summary>
    private sealed class SilentServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<Socket> _accepted = [];
        private readonly CancellationTokenSource _stop = new();

        public SilentServer()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var socket = await _listener.AcceptSocketAsync(_stop.Token);
                    lock (_accepted)
                    {
                        _accepted.Add(socket);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            lock (_accepted)
            {
                _accepted.ForEach(socket => socket.Dispose());
            }
        }
    }

    private static Dictionary<string, string?> Settings(string server, params (string Name, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["VCENTER_HOST"] = server,
            ["VCENTER_USER"] = "user",
            ["VCENTER_PASSWORD"] = "secret",
            ["VCENTER_INSECURE"] = "true",
            ["MCVSPHERE_PLUGINS"] = "Inventory",
        };
        foreach (var (name, value) in more)
        {
            settings[name] = value;
        }
        return settings;
    }

    [Fact]
    public async Task A_vcenter_that_accepts_and_never_answers_the_tls_handshake_is_named_with_the_connect_limit()
    {
        using var server = new SilentServer();
        await using var client = await HostProcess.StartStdioAsync(Settings($"https://127.0.0.1:{server.Port}/sdk", ("VCENTER_CONNECT_TIMEOUT", "2")));

        var clock = Stopwatch.StartNew();
        var error = await client.CallErrorAsync("get_vcenter_info");

        Assert.DoesNotContain("Internal error", error);
        Assert.Contains($"127.0.0.1:{server.Port}", error);
        Assert.Contains("within 2 s", error);
        Assert.Contains("VCENTER_HOST", error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(25), $"took {clock.Elapsed}, expected about the 2 s connect limit");
    }

    [Fact]
    public async Task A_vcenter_that_never_answers_a_call_is_named_with_the_request_limit()
    {
        using var server = new SilentServer();
        await using var client = await HostProcess.StartStdioAsync(Settings($"http://127.0.0.1:{server.Port}/sdk", ("VCENTER_REQUEST_TIMEOUT", "2")));

        var clock = Stopwatch.StartNew();
        var error = await client.CallErrorAsync("get_vcenter_info");

        Assert.DoesNotContain("Internal error", error);
        Assert.Contains($"127.0.0.1:{server.Port} did not answer", error);
        Assert.Contains("within 2 s", error);
        Assert.Contains("VCENTER_HOST", error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(25), $"took {clock.Elapsed}, expected about the 2 s request limit");
    }
}
