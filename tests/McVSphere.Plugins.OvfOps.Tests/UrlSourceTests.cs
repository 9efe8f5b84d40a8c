using System.Net;
using System.Text;
using System.Text.Json;
using ModelContextProtocol.Client;

namespace McVSphere.Plugins.OvfOps.Tests;

/// <summary>
/// OVF/OVA packages given as URLs are fetched only from what the administrator allows: hosts by name
/// (MCVSPHERE_URL_ALLOW) and, beyond public addresses, networks (MCVSPHERE_URL_ALLOW_NETWORKS), checked for every
/// redirect and every file the descriptor names, and at connect time for the addresses a name resolves to. Each test
/// proves that a loopback <see cref="TrapListener"/> is never connected to. The "allowed internal server" is a
/// <see cref="LoopbackWebServer"/> on 127.0.0.2, apart from the trap's 127.0.0.1.
/// </summary>
public sealed class UrlSourceTests(OvfOpsFixture fixture) : IClassFixture<OvfOpsFixture>
{
    private static readonly IPAddress AllowedServerAddress = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task Url_sources_are_off_without_MCVSPHERE_URL_ALLOW()
    {
        await using var trap = new TrapListener();
        await using var host = await StartHostAsync([]);
        var name = fixture.UniqueName("off");

        var listed = await host.Client.CallErrorAsync("list_ovf_networks", new { ovf_path = trap.Url("127.0.0.1") });
        var deployed = await host.Client.CallErrorAsync("deploy_ovf", new { ovf_path = trap.Url("127.0.0.1", "/a.ova"), vm_name = name, datastore = OvfOpsFixture.Datastore });

        Assert.Equal(0, trap.Connections);
        Assert.All([listed, deployed], error => Assert.Contains("ovf_path", error));
        Assert.All([listed, deployed], error => Assert.Contains("URL sources are disabled on this server", error));
        Assert.All([listed, deployed], error => Assert.Contains("MCVSPHERE_URL_ALLOW", error));
        Assert.False(await fixture.VmExistsAsync(name));
    }

    [Fact]
    public async Task A_host_not_allowed_is_refused_directly_and_as_a_redirect()
    {
        await using var trap = new TrapListener();
        await using var server = new LoopbackWebServer(AllowedServerAddress).Serve("/go", WebAnswer.Redirect(trap.Url("127.0.0.1")));
        // Every loopback address may be connected to: only the host names stand between the caller and the trap.
        await using var host = await StartHostAsync(new() { ["MCVSPHERE_URL_ALLOW"] = "127.0.0.2", ["MCVSPHERE_URL_ALLOW_NETWORKS"] = "127.0.0.0/8, ::1" });

        var direct = await host.Client.CallErrorAsync("list_ovf_networks", new { ovf_path = trap.Url("127.0.0.1") });
        var redirected = await host.Client.CallErrorAsync("list_ovf_networks", new { ovf_path = server.Url("/go") });

        Assert.Equal(0, trap.Connections);
        Assert.Equal(["/go"], server.Requests.Select(request => request.Path));
        Assert.Contains($"ovf_path: the host '127.0.0.1' of http://127.0.0.1:{trap.Port}/appliance.ovf is not allowed: MCVSPHERE_URL_ALLOW allows 127.0.0.2", direct);
        Assert.Contains($"(redirected from {server.Url("/go")}) is not allowed: MCVSPHERE_URL_ALLOW", redirected);
    }

    [Fact]
    public async Task A_loopback_address_is_refused_at_connect_whatever_names_it_and_an_open_port_looks_like_a_closed_one()
    {
        await using var trap = new TrapListener();
        var closedPort = LoopbackPorts.Reserve();
        await using var server = new LoopbackWebServer(AllowedServerAddress).Serve("/go", WebAnswer.Redirect(trap.Url("localhost")));
        // Any host name is allowed: only the address rule stands between the caller and the trap.
        await using var host = await StartHostAsync(new() { ["MCVSPHERE_URL_ALLOW"] = "*", ["MCVSPHERE_URL_ALLOW_NETWORKS"] = "127.0.0.2" });

        var byAddress = await host.Client.CallErrorAsync("list_ovf_networks", new { ovf_path = trap.Url("127.0.0.1") });
        var byName = await host.Client.CallErrorAsync("list_ovf_networks", new { ovf_path = trap.Url("localhost") });
        var mapped = await host.Client.CallErrorAsync("list_ovf_networks", new { ovf_path = trap.Url("[::ffff:127.0.0.1]") });
        var v6 = await host.Client.CallErrorAsync("list_ovf_networks", new { ovf_path = trap.Url("[::1]") });
        var redirected = await host.Client.CallErrorAsync("list_ovf_networks", new { ovf_path = server.Url("/go") });
        var closed = await host.Client.CallErrorAsync("list_ovf_networks", new { ovf_path = $"http://127.0.0.1:{closedPort}/appliance.ovf" });
        var metadata = await host.Client.CallErrorAsync("list_ovf_networks", new { ovf_path = "http://169.254.169.254/latest/meta-data/appliance.ovf" });

        Assert.Equal(0, trap.Connections);
        Assert.Equal(["/go"], server.Requests.Select(request => request.Path));
        Assert.Contains("127.0.0.1 is a loopback address, which MCVSPHERE_URL_ALLOW_NETWORKS does not allow", byAddress);
        Assert.Contains("localhost resolves to 127.0.0.1, a loopback address, which MCVSPHERE_URL_ALLOW_NETWORKS does not allow", byName);
        Assert.Contains("is a loopback address, which MCVSPHERE_URL_ALLOW_NETWORKS does not allow", mapped);
        Assert.Contains("::1 is a loopback address", v6);
        Assert.Contains($"(redirected from {server.Url("/go")}) is refused: localhost resolves to 127.0.0.1, a loopback address", redirected);
        Assert.Contains("169.254.169.254 is a link-local address", metadata);
        Assert.Equal(byAddress.Replace(trap.Port.ToString(), "PORT"), closed.Replace(closedPort.ToString(), "PORT"));
    }

    [Fact]
    public async Task An_allowed_server_that_accepts_and_closes_looks_like_one_that_refuses()
    {
        // The fixture's host may reach 127.0.0.1 (the simulator's web server): so the trap is reached here, on purpose.
        await using var trap = new TrapListener();
        var closedPort = LoopbackPorts.Reserve();

        var open = await fixture.Client.CallErrorAsync("list_ovf_networks", new { ovf_path = trap.Url("127.0.0.1") });
        var closed = await fixture.Client.CallErrorAsync("list_ovf_networks", new { ovf_path = $"http://127.0.0.1:{closedPort}/appliance.ovf" });

        Assert.NotEqual(0, trap.Connections);
        Assert.Contains("gave no HTTP answer", open);
        Assert.DoesNotContain("refused (", open, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(open.Replace(trap.Port.ToString(), "PORT"), closed.Replace(closedPort.ToString(), "PORT"));
    }

    [Fact]
    public async Task A_file_the_descriptor_names_cannot_lead_to_another_host()
    {
        await using var trap = new TrapListener();
        var name = fixture.UniqueName("href");
        var escaping = fixture.UniqueName("abs");
        var disk = new TestDisk("disk1.vmdk", TestPackages.Vmdk(4096, seed: 9));
        await using var server = new LoopbackWebServer(AllowedServerAddress)
            // A plain relative href, whose file the allowed server redirects to the trap.
            .Serve($"/{name}/{name}.ovf", WebAnswer.Ok(TestPackages.Descriptor(name, [disk], ["VM Network"])))
            .Serve($"/{name}/disk1.vmdk", WebAnswer.Redirect(trap.Url("127.0.0.1", "/disk1.vmdk")))
            // An href that names the trap itself.
            .Serve($"/{escaping}/{escaping}.ovf", WebAnswer.Ok(TestPackages.Descriptor(escaping, [disk with { File = trap.Url("127.0.0.1", "/disk1.vmdk") }], ["VM Network"])));
        await using var host = await StartHostAsync(new() { ["MCVSPHERE_URL_ALLOW"] = "127.0.0.2", ["MCVSPHERE_URL_ALLOW_NETWORKS"] = "127.0.0.0/8" });

        var redirected = await host.Client.CallErrorAsync("deploy_ovf", new { ovf_path = server.Url($"/{name}/{name}.ovf"), vm_name = name, datastore = OvfOpsFixture.Datastore });
        var named = await host.Client.CallErrorAsync("deploy_ovf", new { ovf_path = server.Url($"/{escaping}/{escaping}.ovf"), vm_name = escaping, datastore = OvfOpsFixture.Datastore });

        Assert.Equal(0, trap.Connections);
        Assert.Contains($"/{name}/disk1.vmdk", server.Requests.Select(request => request.Path));
        Assert.Contains($"the host '127.0.0.1' of {trap.Url("127.0.0.1", "/disk1.vmdk")} (redirected from {server.Url($"/{name}/disk1.vmdk")}) is not allowed", redirected);
        Assert.Contains("which is not a plain relative path inside the package", named);
        Assert.False(await fixture.VmExistsAsync(name));
        Assert.False(await fixture.VmExistsAsync(escaping));
    }

    [Theory]
    [InlineData("MCVSPHERE_STDIO_ROLE", "READ_ONLY", "user 'local' has READ_ONLY")]
    [InlineData("MCVSPHERE_READ_ONLY", "true", "this server runs in read-only mode")]
    public async Task A_url_needs_VM_LIFECYCLE_and_is_off_in_read_only_mode_while_datastore_paths_keep_their_level(string setting, string value, string why)
    {
        await using var trap = new TrapListener();
        var audit = Path.Combine(fixture.FileRoot, fixture.UniqueName("audit") + ".jsonl");
        var name = fixture.UniqueName("level");
        var ovf = TestPackages.Descriptor(name, [new TestDisk("disk1.vmdk", TestPackages.Vmdk(4096, seed: 112))], ["VM Network"]);
        await fixture.WriteDatastoreFileAsync($"{name}/{name}.ovf", Encoding.UTF8.GetBytes(ovf));
        await using var host = await StartHostAsync(new()
        {
            [setting] = value,
            ["MCVSPHERE_URL_ALLOW"] = "*",
            ["MCVSPHERE_URL_ALLOW_NETWORKS"] = "127.0.0.0/8",
            ["MCVSPHERE_AUDIT_FILE"] = audit,
        });

        var refused = await host.Client.CallErrorAsync("list_ovf_networks", new { ovf_path = trap.Url("127.0.0.1") });
        var onDatastore = await host.Client.CallJsonAsync("list_ovf_networks", new { ovf_path = $"[{OvfOpsFixture.Datastore}] {name}/{name}.ovf" });
        var tools = await host.Client.ListToolsAsync();

        Assert.Equal(0, trap.Connections);
        Assert.StartsWith("Permission denied: tool 'list_ovf_networks' with a URL in ovf_path needs VM_LIFECYCLE", refused);
        Assert.Contains(why, refused);
        Assert.Equal("VM Network", onDatastore.GetProperty("networks")[0].GetProperty("name").GetString());
        Assert.Contains(tools, tool => tool.Name == "list_ovf_networks");
        var denial = File.ReadLines(audit).Select(line => JsonDocument.Parse(line).RootElement).Single(line => line.GetProperty("event").GetString() == "PERMISSION_DENIED");
        Assert.Equal("list_ovf_networks", denial.GetProperty("tool").GetString());
        Assert.Equal("VM_LIFECYCLE", denial.GetProperty("required_permission").GetString());
        Assert.Equal(trap.Url("127.0.0.1"), denial.GetProperty("args").GetProperty("ovf_path").GetString());
    }

    [Fact]
    public async Task A_password_in_a_url_is_in_no_audit_line_log_or_error_and_goes_to_its_own_server_only()
    {
        const string Password = "S3cr3t-pw-7781";
        await using var trap = new TrapListener();
        var audit = Path.Combine(fixture.FileRoot, fixture.UniqueName("audit") + ".jsonl");
        await using var server = new LoopbackWebServer(AllowedServerAddress)
            .Serve("/private/appliance.ovf", new WebAnswer(401, "who are you?"u8.ToArray()))
            .Serve("/moved/appliance.ovf", WebAnswer.Redirect(trap.Url("127.0.0.1")));
        await using var host = await StartHostAsync(new()
        {
            ["MCVSPHERE_URL_ALLOW"] = "127.0.0.2",
            ["MCVSPHERE_URL_ALLOW_NETWORKS"] = "127.0.0.2",
            ["MCVSPHERE_AUDIT_FILE"] = audit,
            ["LOG_LEVEL"] = "DEBUG",
        });
        var withPassword = (string path) => $"http://ann:{Password}@{server.Authority}{path}";

        string[] errors =
        [
            await host.Client.CallErrorAsync("list_ovf_networks", new { ovf_path = withPassword("/private/appliance.ovf") }),
            await host.Client.CallErrorAsync("list_ovf_networks", new { ovf_path = withPassword("/moved/appliance.ovf") }),
            await host.Client.CallErrorAsync("list_ovf_networks", new { ovf_path = $"http://ann:{Password}@127.0.0.1:{trap.Port}/appliance.ovf" }),
            await host.Client.CallErrorAsync("deploy_ovf", new { ovf_path = withPassword("/private/appliance.ova"), vm_name = fixture.UniqueName("pw"), datastore = OvfOpsFixture.Datastore }),
        ];

        Assert.Equal(0, trap.Connections);
        Assert.Contains($"http://{server.Authority}/private/appliance.ovf answered HTTP 401", errors[0]);
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"ann:{Password}"));
        Assert.Equal(basic, server.Requests.First(request => request.Path == "/private/appliance.ovf").Authorization);
        Assert.All(errors, error => Assert.DoesNotContain(Password, error));
        var lines = File.ReadAllLines(audit);
        Assert.Equal(errors.Length, lines.Length);
        Assert.All(lines, line => Assert.Contains($"http://[REDACTED]@", line));
        Assert.All(lines, line => Assert.DoesNotContain(Password, line));
        // The audit lines reach stderr too; wait for the last one before reading the log.
        await host.WaitForLogAsync(log => log.Contains("deploy_ovf", StringComparison.Ordinal) && log.Contains("TOOL_CALL", StringComparison.Ordinal));
        Assert.DoesNotContain(Password, host.Log);
        Assert.Contains("[REDACTED]@", host.Log);
    }

    [Theory]
    [InlineData("MCVSPHERE_URL_ALLOW", "https://downloads.example.com/", "MCVSPHERE_URL_ALLOW lists 'https://downloads.example.com/', which is not a host pattern")]
    [InlineData("MCVSPHERE_URL_ALLOW_NETWORKS", "10.1.2.3/8", "MCVSPHERE_URL_ALLOW_NETWORKS lists '10.1.2.3/8', which is not an address or CIDR range")]
    public async Task An_invalid_url_setting_stops_the_plugin_at_start_naming_the_setting(string setting, string value, string reason)
    {
        // Inventory too, so that the server has tools to list without OvfOps.
        await using var host = await StartHostAsync(new() { [setting] = value, ["MCVSPHERE_PLUGINS"] = "OvfOps,Inventory" });

        var tools = await host.Client.ListToolsAsync();
        await host.WaitForLogAsync(log => log.Contains("Skipped plugin", StringComparison.Ordinal));

        Assert.DoesNotContain(tools, tool => tool.Name is "deploy_ovf" or "list_ovf_networks");
        Assert.Contains(reason, host.Log);
    }

    [Fact]
    public async Task A_deploy_that_outlives_timeout_s_is_stopped_and_leaves_no_vm_behind()
    {
        var name = fixture.UniqueName("stalled");
        await using var server = StallingPackage(name, seed: 31);
        await using var host = await StartHostAsync(new() { ["MCVSPHERE_URL_ALLOW"] = "127.0.0.2", ["MCVSPHERE_URL_ALLOW_NETWORKS"] = "127.0.0.2" });
        var deploy = new { ovf_path = server.Url($"/{name}/{name}.ovf"), vm_name = name, datastore = OvfOpsFixture.Datastore, timeout_s = 0 };

        var outOfRange = await host.Client.CallErrorAsync("deploy_ovf", deploy);
        var stopped = await host.Client.CallErrorAsync("deploy_ovf", deploy with { timeout_s = 3 });

        Assert.Contains("timeout_s is 0", outOfRange);
        Assert.Contains("timeout_s is 86401", await host.Client.CallErrorAsync("export_vm_ovf", new { vm_name = name, target_path = name, timeout_s = 86_401 }));
        Assert.Contains("deploy_ovf stopped after timeout_s=3 s: the import was aborted and no VM is left behind", stopped);
        Assert.Contains(server.Requests, request => request.Path == $"/{name}/disk1.vmdk");
        Assert.False(await fixture.VmExistsAsync(name));
    }

    [Fact]
    public async Task A_deploy_run_as_an_MCP_task_follows_its_NFC_lease_and_when_cancelled_leaves_no_vm_behind()
    {
        var name = fixture.UniqueName("deploy-task");
        await using var server = StallingPackage(name, seed: 37);
        await using var host = await StartHostAsync(new() { ["MCVSPHERE_URL_ALLOW"] = "127.0.0.2", ["MCVSPHERE_URL_ALLOW_NETWORKS"] = "127.0.0.2" },
            McpTaskClient.Options());

        var created = await host.Client.CallToolAsync("deploy_ovf",
            new { ovf_path = server.Url($"/{name}/{name}.ovf"), vm_name = name, datastore = OvfOpsFixture.Datastore });
        var taskId = created["taskId"]!.GetValue<string>();
        var working = await host.Client.GetTaskAsync(taskId);
        await host.Client.CancelTaskAsync(taskId);
        var finished = await host.Client.GetFinishedTaskAsync(taskId, TimeSpan.FromSeconds(60));

        Assert.Equal("task", created["resultType"]?.GetValue<string>());
        Assert.Contains("NFC lease", created["statusMessage"]!.GetValue<string>());
        Assert.Equal("working", working["status"]?.GetValue<string>());
        Assert.Matches(@"NFC lease \S+ \(OVF transfer of VirtualMachine:\S+\): transferring \d+%", working["statusMessage"]!.GetValue<string>());
        Assert.Equal("cancelled", finished["status"]?.GetValue<string>());
        Assert.False(await fixture.VmExistsAsync(name));
    }

    /// <summary>
    /// A web server with the package <paramref name="name"/> whose disk stalls: its first 64 KiB, then nothing, so that an
    /// import waits on its source until it is stopped.
    /// </summary>
    private static LoopbackWebServer StallingPackage(string name, int seed)
    {
        var disk = new TestDisk("disk1.vmdk", TestPackages.Vmdk(1 << 20, seed));
        return new LoopbackWebServer(AllowedServerAddress)
            .Serve($"/{name}/{name}.ovf", WebAnswer.Ok(TestPackages.Descriptor(name, [disk], ["VM Network"])))
            .Serve($"/{name}/disk1.vmdk", WebAnswer.Ok(disk.Content) with { StallAfter = 64 << 10 });
    }

    /// <summary>A host of the tests' own over the fixture's simulator, with the OvfOps plugin and <paramref name="settings"/>.</summary>
    private async Task<TestHost> StartHostAsync(Dictionary<string, string?> settings, McpClientOptions? clientOptions = null)
    {
        var environment = new Dictionary<string, string?>(fixture.Simulator.HostEnvironment) { ["MCVSPHERE_PLUGINS"] = "OvfOps" };
        foreach (var (name, value) in settings)
        {
            environment[name] = value;
        }
        var host = new TestHost();
        host.Client = await HostProcess.StartStdioAsync(environment, host.Add, clientOptions);
        return host;
    }

    private sealed class TestHost : IAsyncDisposable
    {
        private readonly StringBuilder _log = new();
        private readonly SemaphoreSlim _logged = new(0);

        public McpClient Client { get; set; } = null!;

        public string Log
        {
            get
            {
                lock (_log)
                {
                    return _log.ToString();
                }
            }
        }

        public void Add(string line)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
            _logged.Release();
        }

        /// <summary>Waits, line by line, until the log satisfies <paramref name="condition"/> (bounded generously).</summary>
        public async Task WaitForLogAsync(Func<string, bool> condition)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (!condition(Log))
            {
                await _logged.WaitAsync(timeout.Token);
            }
        }

        public async ValueTask DisposeAsync() => await Client.DisposeAsync();
    }
}
