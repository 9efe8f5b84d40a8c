using System.Collections.Concurrent;
using System.Diagnostics;
using McVSphere.Testing;
using ModelContextProtocol.Client;

namespace McVSphere.Bench;

/// <summary>The host-level measurements: call overhead, cold start, memory, concurrency.</summary>
public static class Scenarios
{
    /// <summary>Latency of <paramref name="calls"/> sequential calls of one tool, after a warm-up, in milliseconds.</summary>
    public static async Task<Summary> CallLatencyAsync(McpClient client, string tool, int calls)
    {
        for (var i = 0; i < 200; i++)
        {
            await client.CallToolAsync(tool);
        }
        var times = new List<double>(calls);
        var watch = new Stopwatch();
        for (var i = 0; i < calls; i++)
        {
            watch.Restart();
            await client.CallToolAsync(tool);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return Summary.Of(times);
    }

    /// <summary>Process start to the initialize reply, every plugin loaded, over stdio.</summary>
    public static async Task<Summary> ColdStartAsync(SimulatorProcess simulator, int runs)
    {
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await using var client = await HostProcess.StartStdioAsync(new Dictionary<string, string?>(simulator.HostEnvironment));
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return Summary.Of(times);
    }

    /// <summary>Resident memory of the HTTP host idle after start-up, then after <paramref name="calls"/> calls.</summary>
    public static async Task<object> MemoryAsync(SimulatorProcess simulator, int calls)
    {
        await using var host = await HostProcess.StartHttpAsync(new Dictionary<string, string?>(simulator.HostEnvironment));
        await using var client = await host.ConnectAsync();
        await client.CallToolAsync("get_vcenter_info");
        await Task.Delay(2000);
        var idle = ResidentMegabytes(host.ProcessId);
        var samples = new List<double>();
        for (var i = 1; i <= calls; i++)
        {
            await client.CallToolAsync(i % 2 == 0 ? "get_vcenter_info" : "list_hosts");
            if (i % (calls / 10) == 0)
            {
                samples.Add(ResidentMegabytes(host.ProcessId));
            }
        }
        await Task.Delay(2000);
        return new { idle_after_start = idle, after_calls = ResidentMegabytes(host.ProcessId), calls, samples_every_tenth = samples };
    }

    /// <summary>Many HTTP clients calling a mix of read tools at once.</summary>
    public static async Task<object> ConcurrencyAsync(SimulatorProcess simulator, int clients, int callsPerClient)
    {
        (string Tool, Dictionary<string, object?>? Arguments)[] mix =
        [
            ("get_vcenter_info", null),
            ("list_hosts", null),
            ("list_vms", null),
            ("get_vm_info", new() { ["name"] = "DC0_C0_RP0_VM0" }),
        ];
        await using var host = await HostProcess.StartHttpAsync(new Dictionary<string, string?>(simulator.HostEnvironment));
        var connected = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => host.ConnectAsync()));
        var latencies = new ConcurrentBag<double>();
        var errors = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(connected.Select((client, index) => Task.Run(async () =>
        {
            for (var i = 0; i < callsPerClient; i++)
            {
                var (tool, arguments) = mix[(index + i) % mix.Length];
                var call = Stopwatch.StartNew();
                try
                {
                    var result = await client.CallToolAsync(tool, arguments);
                    if (result.IsError == true)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref errors);
                }
                latencies.Add(call.Elapsed.TotalMilliseconds);
            }
        })));
        var elapsed = watch.Elapsed.TotalSeconds;
        foreach (var client in connected)
        {
            await client.DisposeAsync();
        }
        return new { clients, calls_per_client = callsPerClient, errors, calls_per_second = latencies.Count / elapsed, latency_ms = Summary.Of(latencies.ToArray()) };
    }

    private static double ResidentMegabytes(int processId)
    {
        var line = File.ReadLines($"/proc/{processId}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
    }
}
