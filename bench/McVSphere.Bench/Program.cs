using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using McVSphere.Bench;
using McVSphere.Testing;
using McVSphere.VSphere;
using ModelContextProtocol.Client;

// Benchmarks McVSphere side by side with a raw floor and the original server's access pattern, in one run.
// Usage: McVSphere.Bench [--sizes 1000,5000,20000] [--repeat 5] [--calls 2000] [--skip-original] [--list-vms-only]
//                       [--per-vm-sizes 20,5000,50000] [--per-vm-only] [--index-memory 50000] [--out results.json]
//                       [--several-vcenters 5000] (only that: list_vms "*" over three targets against one)
//                       [--freshness 5000] (only that: how soon list_vms shows a change made by another client)
var arguments = args.ToList();
string Option(string name, string fallback) => arguments.IndexOf(name) is var i and >= 0 && i + 1 < arguments.Count ? arguments[i + 1] : fallback;
var sizes = Option("--sizes", "1000,5000,20000").Split(',').Select(int.Parse).ToArray();
var repeat = int.Parse(Option("--repeat", "5"), CultureInfo.InvariantCulture);
var calls = int.Parse(Option("--calls", "2000"), CultureInfo.InvariantCulture);
var skipOriginal = arguments.Contains("--skip-original");
var listVmsOnly = arguments.Contains("--list-vms-only");
var output = Option("--out", Path.Combine(RepositoryPaths.Root, "bench", "results", "latest.json"));
var perVmSizes = Option("--per-vm-sizes", "20,5000,50000").Split(',').Select(int.Parse).ToArray();
var perVmOnly = arguments.Contains("--per-vm-only");

// The properties list_vms reads (plugins/Inventory, VmSummaries), so that the floor asks the server for the same data.
string[] listVmsPaths =
[
    "name", "parent", "summary.runtime.powerState", "summary.config.numCpu", "summary.config.memorySizeMB",
    "summary.config.guestFullName", "summary.guest.ipAddress", "summary.runtime.host", "summary.guest.toolsStatus",
    "summary.config.template",
];

var results = new Dictionary<string, object>();
if (Option("--freshness", "") is { Length: > 0 } freshVms)
{
    Console.Error.WriteLine($"== freshness of list_vms at {freshVms} VMs");
    results["freshness"] = await Freshness.RunAsync(int.Parse(freshVms, CultureInfo.InvariantCulture), repeat * 4);
    Directory.CreateDirectory(Path.GetDirectoryName(output)!);
    await File.WriteAllTextAsync(output, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
    return;
}
if (Option("--several-vcenters", "") is { Length: > 0 } targetVms)
{
    Console.Error.WriteLine($"== list_vms over three vCenters of {targetVms} VMs against one");
    results["several_vcenters"] = await SeveralVCenters.RunAsync(int.Parse(targetVms, CultureInfo.InvariantCulture), repeat * 4);
    Directory.CreateDirectory(Path.GetDirectoryName(output)!);
    await File.WriteAllTextAsync(output, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
    return;
}
if (Option("--index-memory", "") is { Length: > 0 } indexVms)
{
    Console.Error.WriteLine($"== inventory index memory at {indexVms} VMs");
    results["index_memory"] = await IndexMemory.RunAsync(int.Parse(indexVms, CultureInfo.InvariantCulture));
}
Console.Error.WriteLine($"== one call on one VM at {string.Join(", ", perVmSizes)} VMs, interleaved");
results["per_vm_calls"] = await PerVmCalls.RunAsync(perVmSizes, repeat * 4);
var listVms = new List<object>();
foreach (var size in perVmOnly ? [] : sizes)
{
    Console.Error.WriteLine($"== list_vms at {size} VMs");
    await using var simulator = await SimulatorProcess.StartAsync("-dc", "1", "-cluster", "1", "-host-per-cluster", "4", "-standalone-host", "0", "-vm", size.ToString(CultureInfo.InvariantCulture));
    await using var proxy = new CountingProxy(simulator.Url);
    var proxied = new UriBuilder(simulator.Url) { Port = proxy.Port }.Uri;

    using var floor = await RawFloor.PrepareAsync(proxied, simulator.User, simulator.Password, listVmsPaths);
    var environment = new Dictionary<string, string?>(simulator.HostEnvironment)
    {
        ["VCENTER_HOST"] = proxied.ToString(), ["MCVSPHERE_PLUGINS"] = "Inventory", ["MCVSPHERE_INVENTORY_INDEX"] = "true",
    };
    await using var client = await HostProcess.StartStdioAsync(environment);
    await client.CallJsonAsync("get_vcenter_info"); // logs in: not part of the measured calls
    // The host's inventory index fills after its first listing; list_vms is measured warm, as a running server answers it.
    var warming = Stopwatch.StartNew();
    do
    {
        proxy.Reset();
        await client.CallJsonAsync("list_vms", new { limit = 1 });
    }
    while (proxy.Requests > 1 && warming.Elapsed < TimeSpan.FromMinutes(5));
    Console.Error.WriteLine($"   host warm after {warming.Elapsed.TotalSeconds:0.0} s");

    // The vSphere client library alone (no MCP): the same bulk read through a ContainerView.
    await using var library = new VSphereClient(new VSphereConnectionOptions { Server = proxied.ToString(), User = simulator.User, Password = simulator.Password });
    await library.ConnectAsync();

    var floorTimes = new List<double>();
    var libraryTimes = new List<double>();
    var mcpTimes = new List<double>();
    long floorRequests = 0, libraryRequests = 0, mcpRequests = 0;
    for (var run = 0; run < repeat; run++)
    {
        // Interleaved, so that both see the same machine noise.
        proxy.Reset();
        var watch = Stopwatch.StartNew();
        var floorRead = await floor.RetrieveAsync();
        floorTimes.Add(watch.Elapsed.TotalMilliseconds);
        floorRequests = proxy.Requests;
        if (floorRead.Objects != size)
        {
            throw new InvalidOperationException($"the floor read {floorRead.Objects} VMs in {floorRead.Pages} pages, expected {size}");
        }

        proxy.Reset();
        watch.Restart();
        var read = await library.Properties.RetrieveAsync("VirtualMachine", listVmsPaths);
        libraryTimes.Add(watch.Elapsed.TotalMilliseconds);
        libraryRequests = proxy.Requests;
        if (read.Count != size)
        {
            throw new InvalidOperationException($"the client read {read.Count} VMs, expected {size}");
        }

        proxy.Reset();
        watch.Restart();
        // What an MCP client does with the answer: the JSON-RPC parse (the tests' schema validation is left out of the time).
        var listed = await client.CallToolAsync("list_vms");
        mcpTimes.Add(watch.Elapsed.TotalMilliseconds);
        mcpRequests = proxy.Requests;
        var count = listed.StructuredContent?.GetProperty("total").GetInt32();
        if (count != size)
        {
            throw new InvalidOperationException($"list_vms returned {count} VMs, expected {size}");
        }
    }

    double? originalSeconds = null;
    long? originalRequests = null;
    if (!skipOriginal)
    {
        proxy.Reset();
        var python = Process.Start(new ProcessStartInfo("/usr/bin/python3",
            [Path.Combine(RepositoryPaths.Root, "bench", "original_pattern.py"), "127.0.0.1", proxy.Port.ToString(CultureInfo.InvariantCulture), simulator.User, simulator.Password])
        { RedirectStandardOutput = true })!;
        var line = await python.StandardOutput.ReadToEndAsync();
        await python.WaitForExitAsync();
        originalSeconds = JsonDocument.Parse(line).RootElement.GetProperty("seconds").GetDouble();
        originalRequests = proxy.Requests;
    }

    var floorSummary = Summary.Of(floorTimes);
    var librarySummary = Summary.Of(libraryTimes);
    var mcpSummary = Summary.Of(mcpTimes);
    Console.Error.WriteLine($"   floor {floorSummary} ms, {floorRequests} requests");
    Console.Error.WriteLine($"   client {librarySummary} ms, {libraryRequests} requests, ratio {librarySummary.Median / floorSummary.Median:0.00}x");
    Console.Error.WriteLine($"   mcp   {mcpSummary} ms, {mcpRequests} requests, ratio {mcpSummary.Median / floorSummary.Median:0.00}x");
    if (originalSeconds is not null)
    {
        Console.Error.WriteLine($"   original pattern {originalSeconds:0.0} s, {originalRequests} requests, {originalSeconds * 1000 / mcpSummary.Median:0}x slower than mcp");
    }
    listVms.Add(new
    {
        vms = size,
        floor_ms = floorSummary,
        floor_requests = floorRequests,
        client_ms = librarySummary,
        client_requests = libraryRequests,
        client_over_floor = librarySummary.Median / floorSummary.Median,
        mcp_ms = mcpSummary,
        mcp_requests = mcpRequests,
        mcp_over_floor = mcpSummary.Median / floorSummary.Median,
        original_ms = originalSeconds * 1000,
        original_requests = originalRequests,
        original_over_mcp = originalSeconds * 1000 / mcpSummary.Median,
    });
}
results["list_vms"] = listVms;

if (!listVmsOnly && !perVmOnly)
{
    await using (var simulator = await SimulatorProcess.StartAsync())
    {
        Console.Error.WriteLine("== per-call overhead (get_vcenter_info, no vSphere round trip after login)");
        await using (var stdio = await HostProcess.StartStdioAsync(new Dictionary<string, string?>(simulator.HostEnvironment)))
        {
            results["overhead_stdio_ms"] = await Scenarios.CallLatencyAsync(stdio, "get_vcenter_info", calls);
            Console.Error.WriteLine($"   stdio {results["overhead_stdio_ms"]} ms");
        }
        await using (var http = await HostProcess.StartHttpAsync(new Dictionary<string, string?>(simulator.HostEnvironment)))
        await using (var client = await http.ConnectAsync())
        {
            results["overhead_http_ms"] = await Scenarios.CallLatencyAsync(client, "get_vcenter_info", calls);
            Console.Error.WriteLine($"   http  {results["overhead_http_ms"]} ms");
        }

        Console.Error.WriteLine("== cold start (process start to initialize reply, all plugins)");
        results["cold_start_ms"] = await Scenarios.ColdStartAsync(simulator, 20);
        Console.Error.WriteLine($"   {results["cold_start_ms"]} ms");

        Console.Error.WriteLine("== memory (RSS) idle and after 10,000 calls");
        results["memory_mb"] = await Scenarios.MemoryAsync(simulator, 10_000);
        Console.Error.WriteLine($"   {JsonSerializer.Serialize(results["memory_mb"])}");

        Console.Error.WriteLine("== concurrency: 50 HTTP clients x 200 calls, mixed reads");
        results["concurrency"] = await Scenarios.ConcurrencyAsync(simulator, clients: 50, callsPerClient: 200);
        Console.Error.WriteLine($"   {JsonSerializer.Serialize(results["concurrency"])}");
    }
}

results["machine"] = new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription, dotnet = Environment.Version.ToString() };
Directory.CreateDirectory(Path.GetDirectoryName(output)!);
await File.WriteAllTextAsync(output, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
Console.Error.WriteLine($"wrote {output}");
