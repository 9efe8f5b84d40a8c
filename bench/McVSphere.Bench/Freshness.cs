using System.Diagnostics;
using System.Globalization;
using McVSphere.Testing;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;

namespace McVSphere.Bench;

/// <summary>
/// How soon list_vms, answered from the host's inventory index, shows a change that another client made: a second
/// vSphere client powers a VM off (then on), and list_vms filtered to that VM is asked until it shows the new state.
/// The clock starts when the other client's task has completed.
/// </summary>
public static class Freshness
{
    public static async Task<object> RunAsync(int vms, int changes)
    {
        await using var simulator = await SimulatorProcess.StartAsync("-dc", "1", "-cluster", "1", "-host-per-cluster", "4", "-standalone-host", "0",
            "-vm", vms.ToString(CultureInfo.InvariantCulture), "-retrieve-max-objects", "100");
        await using var client = await HostProcess.StartStdioAsync(new Dictionary<string, string?>(simulator.HostEnvironment)
        {
            ["MCVSPHERE_PLUGINS"] = "Inventory",
            ["MCVSPHERE_INVENTORY_INDEX"] = "true",
        });
        await using var other = new VSphereClient(new VSphereConnectionOptions { Server = simulator.Url.ToString(), User = simulator.User, Password = simulator.Password });
        const string Vm = "DC0_C0_RP0_VM0";
        var vm = (await other.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, Vm)).Ref;
        // Warm: the index is filled once a full listing takes a fraction of the first, which read vCenter.
        var first = Stopwatch.StartNew();
        await client.CallToolAsync("list_vms");
        var cold = first.Elapsed;
        var warming = Stopwatch.StartNew();
        while (warming.Elapsed < TimeSpan.FromMinutes(2))
        {
            var call = Stopwatch.StartNew();
            await client.CallToolAsync("list_vms");
            if (call.Elapsed < cold / 3)
            {
                break;
            }
        }
        var delays = new List<double>();
        for (var change = 0; change < changes; change++)
        {
            var expected = change % 2 == 0 ? "poweredOff" : "poweredOn";
            await (expected == "poweredOff" ? other.PowerOffVmAsync(vm) : other.PowerOnVmAsync(vm));
            var watch = Stopwatch.StartNew();
            while (true)
            {
                var listed = await client.CallToolAsync("list_vms", new Dictionary<string, object?> { ["name_pattern"] = Vm });
                if (listed.StructuredContent?.GetProperty("items")[0].GetProperty("power_state").GetString() == expected)
                {
                    break;
                }
                if (watch.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new InvalidOperationException($"list_vms did not show {Vm} {expected} within 30 s");
                }
            }
            delays.Add(watch.Elapsed.TotalMilliseconds);
        }
        Console.Error.WriteLine($"   a change made elsewhere shows in list_vms after {Summary.Of(delays)} ms");
        return new { vms, changes, shows_after_ms = Summary.Of(delays) };
    }
}
