using System.Diagnostics;
using System.Globalization;
using McVSphere.Testing;
using ModelContextProtocol.Client;

namespace McVSphere.Bench;

/// <summary>
/// What one call on one VM costs as the inventory grows: list_snapshots, power_off then power_on, and get_vm_info, each
/// over MCP stdio against a simulator of each size, all sizes up at once and their calls interleaved (each size sees the
/// same machine noise). Requests are counted by a proxy in front of each simulator.
/// </summary>
public static class PerVmCalls
{
    private static readonly string[] Tools = ["list_snapshots", "power_cycle", "get_vm_info"];

    public static async Task<object> RunAsync(IReadOnlyList<int> sizes, int rounds)
    {
        var targets = new List<Target>();
        try
        {
            foreach (var size in sizes)
            {
                Console.Error.WriteLine($"   starting {size} VMs");
                targets.Add(await Target.StartAsync(size));
            }
            foreach (var target in targets)
            {
                await target.WarmAsync();
            }
            for (var round = 0; round < rounds; round++)
            {
                foreach (var target in targets)
                {
                    foreach (var tool in Tools)
                    {
                        await target.MeasureAsync(tool);
                    }
                }
            }
            var results = targets.Select(target => new
            {
                vms = target.Size,
                calls = Tools.ToDictionary(tool => tool, tool => new { ms = Summary.Of(target.Times[tool]), requests = target.Requests[tool] }),
            }).ToList();
            foreach (var tool in Tools)
            {
                var smallest = Summary.Of(targets[0].Times[tool]).Median;
                Console.Error.WriteLine($"   {tool}: " + string.Join(", ", targets.Select(target =>
                    $"{target.Size} VMs {Summary.Of(target.Times[tool]).Median:0.0} ms ({Summary.Of(target.Times[tool]).Median / smallest:0.00}x), {target.Requests[tool]} requests")));
            }
            return results;
        }
        finally
        {
            foreach (var target in targets)
            {
                await target.DisposeAsync();
            }
        }
    }

    private sealed class Target : IAsyncDisposable
    {
        private SimulatorProcess _simulator = null!;
        private CountingProxy _proxy = null!;
        private McpClient _client = null!;

        public int Size { get; private init; }

        public string Vm => "DC0_C0_RP0_VM0";

        public Dictionary<string, List<double>> Times { get; } = Tools.ToDictionary(tool => tool, _ => new List<double>());

        public Dictionary<string, long> Requests { get; } = Tools.ToDictionary(tool => tool, _ => 0L);

        public static async Task<Target> StartAsync(int size)
        {
            var target = new Target { Size = size };
            target._simulator = await SimulatorProcess.StartAsync("-dc", "1", "-cluster", "1", "-host-per-cluster", "4", "-standalone-host", "0",
                "-vm", size.ToString(CultureInfo.InvariantCulture), "-retrieve-max-objects", "100");
            target._proxy = new CountingProxy(target._simulator.Url);
            var proxied = new UriBuilder(target._simulator.Url) { Port = target._proxy.Port }.Uri;
            target._client = await HostProcess.StartStdioAsync(new Dictionary<string, string?>(target._simulator.HostEnvironment)
            {
                ["VCENTER_HOST"] = proxied.ToString(),
                ["MCVSPHERE_PLUGINS"] = "Inventory,VmLifecycle",
                ["MCVSPHERE_CONFIRM_DESTRUCTIVE"] = "false",
                ["MCVSPHERE_INVENTORY_INDEX"] = "true",
            });
            return target;
        }

        /// <summary>
    /// Calls list_snapshots until it takes a handful of requests, not the pages of a bulk read: the inventory index
    /// is filled. Bounded.
    /// </summary>
        public async Task WarmAsync()
        {
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < TimeSpan.FromMinutes(5))
            {
                _proxy.Reset();
                await _client.CallJsonAsync("list_snapshots", new { name = Vm });
                if (_proxy.Requests < 5)
                {
                    Console.Error.WriteLine($"   {Size} VMs: warm after {watch.Elapsed.TotalSeconds:0.0} s");
                    return;
                }
            }
            throw new InvalidOperationException($"the host at {Size} VMs did not warm up within 5 minutes");
        }

        public async Task MeasureAsync(string tool)
        {
            _proxy.Reset();
            var watch = Stopwatch.StartNew();
            if (tool == "power_cycle")
            {
                await _client.CallJsonAsync("power_off", new { name = Vm });
                await _client.CallJsonAsync("power_on", new { name = Vm });
            }
            else
            {
                await _client.CallJsonAsync(tool, new { name = Vm });
            }
            Times[tool].Add(watch.Elapsed.TotalMilliseconds);
            Requests[tool] = _proxy.Requests;
        }

        public async ValueTask DisposeAsync()
        {
            if (_client is not null)
            {
                await _client.DisposeAsync();
            }
            if (_proxy is not null)
            {
                await _proxy.DisposeAsync();
            }
            if (_simulator is not null)
            {
                await _simulator.DisposeAsync();
            }
        }
    }
}
