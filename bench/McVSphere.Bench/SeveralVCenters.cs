using System.Diagnostics;
using System.Globalization;
using McVSphere.Testing;

namespace McVSphere.Bench;

/// <summary>
/// list_vms with <c>vcenter: "*"</c> over three targets of <c>vms</c> VMs each, against list_vms on one of them, through
/// the same host over MCP stdio, the two calls interleaved round by round: with the inventory index (warm: no vCenter
/// round trip, all host CPU) and without it (each call reads every target, paged as vCenter pages: 100 objects), the
/// latter also with each request held <see cref="VCenterAnswerTime"/> by a proxy, as a vCenter on its own machine takes
/// to answer a page: on this machine the three simulators and the host share the same cores.
/// </summary>
public static class SeveralVCenters
{
    private static readonly string[] Names = ["a", "b", "c"];

    /// <summary>What a vCenter on its own machine takes to answer one page of 100 VMs (RetrievePropertiesEx), as emulated.</summary>
    public static readonly TimeSpan VCenterAnswerTime = TimeSpan.FromMilliseconds(50);

    public static async Task<object> RunAsync(int vms, int rounds) => new
    {
        with_index = await RunAsync(vms, rounds, index: true, TimeSpan.Zero),
        without_index = await RunAsync(vms, rounds, index: false, TimeSpan.Zero),
        without_index_vcenter_answer_time = await RunAsync(vms, Math.Max(5, rounds / 2), index: false, VCenterAnswerTime),
    };

    private static async Task<object> RunAsync(int vms, int rounds, bool index, TimeSpan answerTime)
    {
        Console.Error.WriteLine($"   {(index ? "with" : "without")} the inventory index, {answerTime.TotalMilliseconds:0} ms per vCenter request");
        var simulators = await Task.WhenAll(Names.Select(_ => SimulatorProcess.StartAsync("-dc", "1", "-cluster", "1", "-host-per-cluster", "4",
            "-standalone-host", "0", "-vm", vms.ToString(CultureInfo.InvariantCulture), "-retrieve-max-objects", "100")));
        var proxies = simulators.Select(simulator => new CountingProxy(simulator.Url, answerTime)).ToArray();
        var file = SimulatorProcess.WriteTargetsFile("a", [.. simulators.Select((simulator, i) => new Dictionary<string, object?>(simulator.TargetEntry(Names[i]))
        {
            ["host"] = new UriBuilder(simulator.Url) { Port = proxies[i].Port }.Uri.ToString(),
        })]);
        try
        {
            await using var client = await HostProcess.StartStdioAsync(new Dictionary<string, string?>(SimulatorProcess.TargetsFileEnvironment(file))
            {
                ["MCVSPHERE_PLUGINS"] = "Inventory",
                ["MCVSPHERE_INVENTORY_INDEX"] = index ? "true" : "false",
            });
            // Warm: every target's index holds the VMs (a listing answered from it takes a fraction of a cold one).
            var warming = Stopwatch.StartNew();
            foreach (var name in Names)
            {
                await client.CallJsonAsync("list_vms", new { vcenter = name, limit = 1 });
            }
            var cold = Time(() => client.CallJsonAsync("list_vms", new { vcenter = "*" }));
            double previous;
            do
            {
                previous = await cold;
                cold = Time(() => client.CallJsonAsync("list_vms", new { vcenter = "*" }));
            }
            while (await cold < previous * 0.8 && warming.Elapsed < TimeSpan.FromMinutes(5));
            Console.Error.WriteLine($"   warm after {warming.Elapsed.TotalSeconds:0.0} s");

            // Measured as an assistant's client receives them: the raw call, without the tests' schema checks.
            var one = new List<double>();
            var every = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                one.Add(await Time(() => ListAsync(client, "a", vms)));
                every.Add(await Time(() => ListAsync(client, "*", vms * Names.Length)));
            }
            var ratio = Summary.Of(every).Median / Summary.Of(one).Median;
            Console.Error.WriteLine($"   one target {Summary.Of(one)} ms; every target {Summary.Of(every)} ms; {ratio:0.00}x");
            return new
            {
                vms_per_target = vms, targets = Names.Length, vcenter_request_ms = answerTime.TotalMilliseconds,
                one_target_ms = Summary.Of(one), every_target_ms = Summary.Of(every), ratio,
            };
        }
        finally
        {
            File.Delete(file);
            foreach (var proxy in proxies)
            {
                await proxy.DisposeAsync();
            }
            foreach (var simulator in simulators)
            {
                await simulator.DisposeAsync();
            }
        }
    }

    private static async Task ListAsync(ModelContextProtocol.Client.McpClient client, string vcenter, int expected)
    {
        var listed = await client.CallToolAsync("list_vms", new Dictionary<string, object?> { ["vcenter"] = vcenter });
        if (listed.IsError == true || listed.StructuredContent?.GetProperty("total").GetInt32() != expected)
        {
            throw new InvalidOperationException($"list_vms on {vcenter} did not list {expected} VMs");
        }
    }

    private static async Task<double> Time(Func<Task> call)
    {
        var watch = Stopwatch.StartNew();
        await call();
        return watch.Elapsed.TotalMilliseconds;
    }
}
