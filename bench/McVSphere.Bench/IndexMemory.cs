using System.Diagnostics;
using System.Globalization;
using McVSphere.Testing;
using McVSphere.VSphere;

namespace McVSphere.Bench;

/// <summary>
/// What the live inventory index costs in memory: this process's managed heap (after a full collection) and RSS
/// before a client with the index is made and after its index is filled, against a simulator of the given size.
/// </summary>
public static class IndexMemory
{
    public static async Task<object> RunAsync(int vms)
    {
        await using var simulator = await SimulatorProcess.StartAsync("-dc", "1", "-cluster", "1", "-host-per-cluster", "4", "-standalone-host", "0",
            "-vm", vms.ToString(CultureInfo.InvariantCulture));
        var (heapBefore, rssBefore) = Measure();
        var watch = Stopwatch.StartNew();
        await using var client = new VSphereClient(new VSphereConnectionOptions
        {
            Server = simulator.Url.ToString(), User = simulator.User, Password = simulator.Password, Insecure = true, InventoryIndex = true,
        });
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await client.Lookup.Index!.WaitUntilCurrentAsync(bound.Token);
        var fill = watch.Elapsed;
        var (heapAfter, rssAfter) = Measure();
        var result = new
        {
            vms,
            objects = client.Lookup.Index.Count,
            fill_seconds = Math.Round(fill.TotalSeconds, 1),
            heap_mb = Math.Round((heapAfter - heapBefore) / 1048576.0, 1),
            rss_mb = Math.Round((rssAfter - rssBefore) / 1048576.0, 1),
        };
        Console.Error.WriteLine($"   {vms} VMs ({result.objects} objects): filled in {result.fill_seconds} s, +{result.heap_mb} MB heap, +{result.rss_mb} MB RSS");
        return result;
    }

    private static (long Heap, long Rss) Measure()
    {
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        return (heap, process.WorkingSet64);
    }
}
