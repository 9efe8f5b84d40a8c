using System.Diagnostics;
using System.Net;
using System.Text.Json;
using McVSphere.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McVSphere.IntegrationTests;

/// <summary>
/// Three vCenters with different inventories behind one server (MCVSPHERE_TARGETS_FILE): prod, a vCenter with a DRS
/// cluster; lab, one whose only cluster has no DRS; esx, an ESXi host served directly (read_only).
/// </summary>
public sealed class SeveralVCentersFixture : IAsyncLifetime
{
    public SimulatorProcess Prod { get; private set; } = null!;

    public SimulatorProcess Lab { get; private set; } = null!;

    public SimulatorProcess Esx { get; private set; } = null!;

    public string TargetsFile { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var started = await Task.WhenAll(
            SimulatorProcess.StartAsync(),
            SimulatorProcess.StartAsync("-cluster", "0", "-nodrs-cluster", "1"),
            SimulatorProcess.StartAsync("-esx"));
        (Prod, Lab, Esx) = (started[0], started[1], started[2]);
        var esx = Esx.TargetEntry("esx");
        esx["read_only"] = true;
        TargetsFile = SimulatorProcess.WriteTargetsFile("prod", Prod.TargetEntry("prod"), Lab.TargetEntry("lab"), esx);
    }

    /// <summary>Host settings that serve the three targets and nothing else.</summary>
    public Dictionary<string, string?> HostSettings(string? auditFile = null) =>
        new(SimulatorProcess.TargetsFileEnvironment(TargetsFile)) { ["MCVSPHERE_AUDIT_FILE"] = auditFile };

    public async Task DisposeAsync()
    {
        await Prod.DisposeAsync();
        await Lab.DisposeAsync();
        await Esx.DisposeAsync();
        File.Delete(TargetsFile);
    }
}

public sealed class SeveralVCentersTests(SeveralVCentersFixture targets) : IClassFixture<SeveralVCentersFixture>
{
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(60);

    private Task<McpClient> StartAsync(string? auditFile = null) => HostProcess.StartStdioAsync(targets.HostSettings(auditFile));

    private static string PowerState(JsonElement vm) => vm.GetProperty("power_state").GetString()!;

    [Fact]
    public async Task A_call_works_on_the_vcenter_it_names_and_on_the_default_one_without()
    {
        await using var client = await StartAsync();

        await client.CallJsonAsync("power_off", new { name = "DC0_H0_VM1", vcenter = "lab" });
        var onLab = await client.CallJsonAsync("get_vm_info", new { name = "DC0_H0_VM1", vcenter = "lab" });
        var onProd = await client.CallJsonAsync("get_vm_info", new { name = "DC0_H0_VM1" });
        var onProdByName = await client.CallJsonAsync("get_vm_info", new { name = "DC0_H0_VM1", vcenter = "PROD" });
        await client.CallJsonAsync("power_on", new { name = "DC0_H0_VM1", vcenter = "lab" });

        Assert.Equal("poweredOff", PowerState(onLab));
        Assert.Equal("poweredOn", PowerState(onProd));
        Assert.Equal("poweredOn", PowerState(onProdByName));
        // Names that exist on one target only are looked up there.
        Assert.Contains("ha-host_VM0", (await client.CallJsonAsync("get_vm_info", new { name = "ha-host_VM0", vcenter = "esx" })).GetProperty("name").GetString());
        var notOnProd = await client.CallErrorAsync("get_vm_info", new { name = "ha-host_VM0" });
        Assert.Contains("ha-host_VM0", notOnProd);
    }

    [Fact]
    public async Task A_listing_of_every_vcenter_merges_their_items_each_with_its_vcenter()
    {
        await using var client = await StartAsync();

        var each = new Dictionary<string, JsonElement>();
        foreach (var name in new[] { "prod", "lab", "esx" })
        {
            each[name] = await client.CallJsonAsync("list_vms", new { vcenter = name });
        }
        var all = await client.CallJsonAsync("list_vms", new { vcenter = "*" });
        var hosts = await client.CallJsonAsync("list_hosts", new { vcenter = "*" });
        var info = await client.CallJsonAsync("get_vcenter_info", new { vcenter = "*" });

        Assert.Equal(["prod", "lab", "esx"], all.GetProperty("vcenters").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(each.Values.Sum(listing => listing.GetProperty("total").GetInt32()), all.GetProperty("total").GetInt32());
        foreach (var (name, listing) in each)
        {
            var merged = all.GetProperty("items").EnumerateArray().Where(vm => vm.GetProperty("vcenter").GetString() == name).Select(vm => vm.GetProperty("name").GetString());
            Assert.Equal(listing.GetProperty("items").EnumerateArray().Select(vm => vm.GetProperty("name").GetString()), merged);
        }
        Assert.Contains(hosts.GetProperty("items").EnumerateArray(), host => host.GetProperty("vcenter").GetString() == "lab"
            && host.TryGetProperty("cluster", out var cluster) && cluster.GetString() == "DC0_NC0");
        var apiTypes = info.GetProperty("targets").EnumerateArray().ToDictionary(t => t.GetProperty("vcenter").GetString()!, t => t.GetProperty("api_type").GetString());
        Assert.Equal("VirtualCenter", apiTypes["prod"]);
        Assert.Equal("VirtualCenter", apiTypes["lab"]);
        Assert.Equal("HostAgent", apiTypes["esx"]);
        Assert.False(all.TryGetProperty("errors", out _));
    }

    [Fact]
    public async Task Every_tool_takes_vcenter_and_a_wrong_one_is_refused_with_what_exists()
    {
        await using var client = await StartAsync();

        var tools = (await client.ListToolsAsync()).ToDictionary(tool => tool.Name);
        string[] Choices(string tool) => [.. tools[tool].ProtocolTool.InputSchema.GetProperty("properties").GetProperty("vcenter").GetProperty("enum")
            .EnumerateArray().Select(value => value.GetString()!)];
        var unknown = await client.CallErrorAsync("get_vm_info", new { name = "DC0_H0_VM0", vcenter = "labb" });
        var everywhere = await client.CallErrorAsync("power_off", new { name = "DC0_H0_VM0", vcenter = "*" });

        Assert.Equal(110, tools.Count);
        Assert.All(tools.Values, tool => Assert.True(tool.ProtocolTool.InputSchema.GetProperty("properties").TryGetProperty("vcenter", out _), tool.Name));
        Assert.Equal(["prod", "lab", "esx"], Choices("power_off"));
        Assert.Equal(["prod", "lab", "esx", "*"], Choices("list_vms"));
        Assert.Contains("'labb' is no vCenter this server serves", unknown);
        Assert.Contains("Closest matches: lab.", unknown);
        Assert.Contains("\"*\" is for listings", everywhere);
    }

    [Fact]
    public async Task A_read_only_target_refuses_changes_and_the_audit_names_each_calls_vcenter()
    {
        var audit = Path.Combine(Path.GetTempPath(), $"mcvsphere-audit-{Guid.NewGuid():N}.jsonl");
        try
        {
            await using (var client = await StartAsync(audit))
            {
                var refused = await client.CallErrorAsync("power_off", new { name = "ha-host_VM1", vcenter = "esx" });
                Assert.Contains("vCenter 'esx' is read-only", refused);
                Assert.Equal("poweredOn", PowerState(await client.CallJsonAsync("get_vm_info", new { name = "ha-host_VM1", vcenter = "esx" })));
                await client.CallJsonAsync("list_clusters", new { vcenter = "*" });
                await client.CallJsonAsync("list_clusters");
            }
            var lines = File.ReadAllLines(audit).Select(line => JsonDocument.Parse(line).RootElement).ToList();

            Assert.All(lines, line => Assert.True(line.TryGetProperty("vcenter", out _), line.ToString()));
            Assert.Contains(lines, line => line.GetProperty("event").GetString() == "PERMISSION_DENIED" && line.GetProperty("tool").GetString() == "power_off"
                && line.GetProperty("vcenter").GetString() == "esx");
            Assert.Contains(lines, line => line.GetProperty("tool").GetString() == "get_vm_info" && line.GetProperty("vcenter").GetString() == "esx");
            Assert.Contains(lines, line => line.GetProperty("tool").GetString() == "list_clusters" && line.GetProperty("vcenter").GetString() == "prod,lab,esx");
            Assert.Contains(lines, line => line.GetProperty("tool").GetString() == "list_clusters" && line.GetProperty("vcenter").GetString() == "prod");
        }
        finally
        {
            File.Delete(audit);
        }
    }

    [Fact]
    public async Task Resources_and_completions_take_the_target()
    {
        await using var client = await StartAsync();

        var templates = (await client.ListResourceTemplatesAsync()).Select(t => t.UriTemplate).ToList();
        var labVms = await client.ReadResourceAsync("esxi://lab/vms");
        var defaultVms = await client.ReadResourceAsync("esxi://vms");
        var esxVm = await client.ReadResourceAsync("esxi://esx/vms/ha-host_VM0");
        var names = await client.CompleteAsync(new ResourceTemplateReference { Uri = "esxi://{vcenter}/vms/{vm_name}" }, "vcenter", "l");
        var listed = await client.CallToolAsync("list_vms", new Dictionary<string, object?> { ["vcenter"] = "lab" });

        static JsonElement Json(ReadResourceResult result) => JsonDocument.Parse(((TextResourceContents)result.Contents[0]).Text).RootElement;
        Assert.Contains("esxi://{vcenter}/vms", templates);
        Assert.Contains("esxi://{vcenter}/vms/{vm_name}", templates);
        Assert.Equal("esxi://lab/vms", labVms.Contents[0].Uri);
        Assert.DoesNotContain(Json(labVms).GetProperty("items").EnumerateArray(), vm => vm.GetProperty("name").GetString()!.StartsWith("DC0_C0", StringComparison.Ordinal));
        Assert.Contains(Json(defaultVms).GetProperty("items").EnumerateArray(), vm => vm.GetProperty("name").GetString()!.StartsWith("DC0_C0", StringComparison.Ordinal));
        Assert.Equal("ha-host_VM0", Json(esxVm).GetProperty("name").GetString());
        Assert.Equal(["lab"], names.Completion.Values);
        Assert.Contains(listed.Content.OfType<ResourceLinkBlock>(), link => link.Uri == "esxi://lab/vms/DC0_H0_VM0");
    }

    [Fact]
    public async Task A_long_call_on_a_target_becomes_an_MCP_task_followed_on_that_target()
    {
        await using var lab = SimulatorVSphere.Connect(targets.Lab);
        await lab.SlowDownTasksAsync("DC0_H0_VM0", TimeSpan.FromSeconds(3));
        var secret = new Dictionary<string, string?>(targets.HostSettings()) { ["MCVSPHERE_REQUEST_STATE_SECRET"] = new string('s', 40) };
        await using var client = await HostProcess.StartStdioAsync(secret, clientOptions: McpTaskClient.Options());
        // Another instance whose default target answers nothing: it can follow the task only on the target the id names.
        var unreachableProd = new Dictionary<string, object?>(targets.Prod.TargetEntry("prod")) { ["host"] = $"http://127.0.0.1:{LoopbackPorts.Reserve()}/sdk" };
        var otherFile = SimulatorProcess.WriteTargetsFile("prod", unreachableProd, targets.Lab.TargetEntry("lab"));
        try
        {
            await using var other = await HostProcess.StartStdioAsync(new Dictionary<string, string?>(secret) { ["MCVSPHERE_TARGETS_FILE"] = otherFile },
                clientOptions: McpTaskClient.Options());

            var created = await client.CallToolAsync("clone_vm", new { template_name = "DC0_H0_VM0", new_name = "clone-on-lab", vcenter = "lab" });
            var taskId = created["taskId"]!.GetValue<string>();
            var working = await other.GetTaskAsync(taskId);
            var finished = await client.GetFinishedTaskAsync(taskId, TimeSpan.FromSeconds(60));
            var finishedThere = await other.GetFinishedTaskAsync(taskId, TimeSpan.FromSeconds(60));
            var onProd = await client.CallErrorAsync("get_vm_info", new { name = "clone-on-lab" });
            var onLab = await client.CallJsonAsync("get_vm_info", new { name = "clone-on-lab", vcenter = "lab" });

            Assert.Equal("task", created["resultType"]?.GetValue<string>());
            Assert.Contains("DC0_H0_VM0", working["statusMessage"]!.GetValue<string>());
            Assert.Equal("completed", finishedThere["status"]?.GetValue<string>());
            Assert.NotEqual(true, McpTaskClient.Result(finishedThere).IsError);
            Assert.Equal("completed", finished["status"]?.GetValue<string>());
            Assert.NotEqual(true, McpTaskClient.Result(finished).IsError);
            Assert.Contains("clone-on-lab", onProd);
            Assert.Equal("clone-on-lab", onLab.GetProperty("name").GetString());
        }
        finally
        {
            File.Delete(otherFile);
        }
    }

    [Fact]
    public async Task Compact_mode_takes_vcenter_among_an_operations_arguments()
    {
        await using var client = await HostProcess.StartStdioAsync(new Dictionary<string, string?>(targets.HostSettings()) { ["MCVSPHERE_TOOL_MODE"] = "compact" });

        var tools = await client.ListToolsAsync();
        var everywhere = await client.CallJsonAsync("inventory", new { operation = "list_vms", arguments = new { vcenter = "*", name_pattern = "ha-host*" } });
        var unknown = await client.CallErrorAsync("inventory", new { operation = "list_vms", arguments = new { vcenter = "nowhere" } });

        Assert.Equal(5, tools.Count);
        Assert.Equal(["prod", "lab", "esx"], everywhere.GetProperty("vcenters").EnumerateArray().Select(v => v.GetString()));
        Assert.All(everywhere.GetProperty("items").EnumerateArray(), vm => Assert.Equal("esx", vm.GetProperty("vcenter").GetString()));
        Assert.Contains("'nowhere' is no vCenter", unknown);
    }

    [Fact]
    public async Task Without_a_targets_file_tools_take_no_vcenter_argument()
    {
        await using var client = await HostProcess.StartStdioAsync(targets.Prod.HostEnvironment);

        var tools = await client.ListToolsAsync();
        var info = await client.CallJsonAsync("get_vcenter_info");

        Assert.All(tools, tool => Assert.False(tool.ProtocolTool.InputSchema.GetProperty("properties").TryGetProperty("vcenter", out _), tool.Name));
        Assert.False(info.TryGetProperty("targets", out _));
        Assert.Contains("esxi://vms/{vm_name}", (await client.ListResourceTemplatesAsync()).Select(t => t.UriTemplate));
        Assert.DoesNotContain("esxi://{vcenter}/vms", (await client.ListResourceTemplatesAsync()).Select(t => t.UriTemplate));
    }
}

/// <summary>A target that stops makes only its own calls fail, and serves again once it is back.</summary>
public sealed class StoppedVCenterTests
{
    private static readonly TimeSpan StateBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_stopped_target_fails_only_its_calls_readyz_reports_it_and_it_recovers()
    {
        var port = LoopbackPorts.Reserve();
        string[] labFlags = ["-listen", $"127.0.0.1:{port}", "-cluster", "0", "-nodrs-cluster", "1"];
        await using var prod = await SimulatorProcess.StartAsync();
        var lab = await SimulatorProcess.StartAsync(labFlags);
        var file = SimulatorProcess.WriteTargetsFile(null, prod.TargetEntry("prod"), lab.TargetEntry("lab"));
        try
        {
            await using var host = await HostProcess.StartHttpAsync(SimulatorProcess.TargetsFileEnvironment(file));
            await using var client = await host.ConnectAsync();
            using var http = new HttpClient { BaseAddress = host.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
            Assert.Equal("prod: ready\nlab: ready\n", await WaitForReadinessAsync(http, "/readyz", "lab: ready"));
            await client.CallJsonAsync("list_vms", new { vcenter = "lab" });

            Process.GetProcessById(lab.ProcessId).Kill();
            await lab.DisposeAsync();

            // The index of lab notices the lost connection within moments; from then on lab's calls fail.
            var down = await WaitForAsync(async () =>
            {
                var result = await client.CallToolAsync("list_vms", new Dictionary<string, object?> { ["vcenter"] = "lab" });
                return result.IsError == true ? McpClientExtensions.Text(result) : null;
            });
            var everywhere = await client.CallJsonAsync("list_vms", new { vcenter = "*" });
            var stillProd = await client.CallJsonAsync("list_vms");
            Assert.StartsWith("vCenter 'lab': ", down);
            Assert.Equal(["prod"], everywhere.GetProperty("vcenters").EnumerateArray().Select(v => v.GetString()));
            Assert.Equal("lab", everywhere.GetProperty("errors")[0].GetProperty("vcenter").GetString());
            Assert.True(stillProd.GetProperty("total").GetInt32() > 0);
            Assert.Equal("prod: ready\nlab: not ready\n", await WaitForReadinessAsync(http, "/readyz", "lab: not ready"));
            var labStatus = await http.GetAsync("/readyz/lab");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, labStatus.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);

            lab = await SimulatorProcess.StartAsync(labFlags);
            Assert.Equal("prod: ready\nlab: ready\n", await WaitForReadinessAsync(http, "/readyz", "lab: ready"));
            var back = await client.CallJsonAsync("list_vms", new { vcenter = "lab" });
            Assert.True(back.GetProperty("total").GetInt32() > 0);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/readyz/nowhere")).StatusCode);
        }
        finally
        {
            await lab.DisposeAsync();
            File.Delete(file);
        }
    }

    /// <summary>Asks <paramref name="probe"/> until it answers, within <see cref="StateBound"/>.</summary>
    private static async Task<string> WaitForAsync(Func<Task<string?>> probe)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } answer)
            {
                return answer;
            }
            Assert.True(deadline.Elapsed < StateBound, $"no answer after {deadline.Elapsed.TotalSeconds:0} s");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>Asks <paramref name="path"/> until its body contains <paramref name="expected"/>, within <see cref="StateBound"/>.</summary>
    private static async Task<string> WaitForReadinessAsync(HttpClient http, string path, string expected)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var body = await (await http.GetAsync(path)).Content.ReadAsStringAsync();
            if (body.Contains(expected, StringComparison.Ordinal) || deadline.Elapsed > StateBound)
            {
                return body;
            }
            // The probe's answer is cached for 3 s: asking again at once would read the same answer.
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }
}
