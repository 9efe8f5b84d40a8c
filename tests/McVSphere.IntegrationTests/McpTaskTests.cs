using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using McVSphere.Testing;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;
using ModelContextProtocol.Client;

namespace McVSphere.IntegrationTests;

/// <summary>
/// Long vSphere work as MCP tasks (io.modelcontextprotocol/tasks) over HTTP, with the SDK's client: a slow clone
/// polled to its end, cancelled mid-way, and followed from a second instance that did not run it.
/// </summary>
public sealed partial class McpTaskTests : IAsyncLifetime
{
    private SimulatorProcess _simulator = null!;
    private VSphereClient _vsphere = null!;

    public async Task InitializeAsync()
    {
        _simulator = await SimulatorProcess.StartAsync();
        _vsphere = SimulatorVSphere.Connect(_simulator);
    }

    public async Task DisposeAsync()
    {
        await _vsphere.DisposeAsync();
        await _simulator.DisposeAsync();
    }

    [Theory]
    [InlineData("stdio")]
    [InlineData("http")]
    public async Task A_slow_clone_becomes_a_task_that_reports_vSphere_progress_and_completes_with_the_tools_own_result(string transport)
    {
        await using var host = transport == "http" ? await HostProcess.StartHttpAsync(_simulator.HostEnvironment) : null;
        await using var client = host is null
            ? await HostProcess.StartStdioAsync(_simulator.HostEnvironment, clientOptions: McpTaskClient.Options())
            : await ConnectAsync(host.BaseUri, McpTaskClient.Options());
        await _vsphere.SlowDownTasksAsync("DC0_H0_VM0", TimeSpan.FromSeconds(4));
        var clone = $"clone-as-task-{transport}";

        var created = await client.CallToolAsync("clone_vm", new { template_name = "DC0_H0_VM0", new_name = clone });

        Assert.Equal("task", created["resultType"]?.GetValue<string>());
        Assert.Equal("working", created["status"]?.GetValue<string>());
        var taskId = created["taskId"]!.GetValue<string>();
        var vSphereTask = VSphereTaskOf(created);
        var working = await client.GetTaskAsync(taskId);
        Assert.Equal("working", working["status"]?.GetValue<string>());
        Assert.Matches($@"vSphere task {vSphereTask.Value} \(.*clone.*\): \d+%", working["statusMessage"]!.GetValue<string>());

        await _vsphere.WaitForTaskAsync(vSphereTask);
        var finished = await client.GetFinishedTaskAsync(taskId, TimeSpan.FromSeconds(60));

        var result = McpTaskClient.Result(finished);
        Assert.NotEqual(true, result.IsError);
        var json = JsonDocument.Parse(McpClientExtensions.Text(result)).RootElement;
        await client.AssertMatchesOutputSchemaAsync("clone_vm", result, json);
        Assert.Contains(clone, json.ToString());
        Assert.True(await ExistsAsync(clone));
    }

    [Fact]
    public async Task A_call_that_ends_quickly_and_a_client_without_the_extension_get_the_tools_result_as_before()
    {
        await using var host = await HostProcess.StartHttpAsync(_simulator.HostEnvironment);
        await using var tasksClient = await ConnectAsync(host.BaseUri, McpTaskClient.Options());
        await using var plainClient = await ConnectAsync(host.BaseUri, new McpClientOptions { ProtocolVersion = "2026-07-28" });
        await _vsphere.SlowDownTasksAsync("DC0_H0_VM1", TimeSpan.FromSeconds(3));

        var quick = await tasksClient.CallToolAsync("power_off", new { name = "DC0_C0_RP0_VM0" });
        var slowWithoutTasks = await plainClient.CallJsonAsync("power_off", new { name = "DC0_H0_VM1" });

        Assert.NotEqual("task", quick["resultType"]?.GetValue<string>());
        Assert.NotNull(quick["structuredContent"]);
        Assert.Equal("DC0_H0_VM1", slowWithoutTasks.GetProperty("vm").GetString());
    }

    [Fact]
    public async Task A_task_cancelled_mid_way_cancels_its_vSphere_task_and_ends_cancelled_without_a_clone()
    {
        await using var host = await HostProcess.StartHttpAsync(_simulator.HostEnvironment);
        await using var client = await ConnectAsync(host.BaseUri, McpTaskClient.Options());
        await _vsphere.SlowDownTasksAsync("DC0_H0_VM0", TimeSpan.FromMinutes(5));
        var created = await client.CallToolAsync("clone_vm", new { template_name = "DC0_H0_VM0", new_name = "never-finished" });
        var taskId = created["taskId"]!.GetValue<string>();

        var ack = await client.CancelTaskAsync(taskId);

        Assert.Equal("complete", ack["resultType"]?.GetValue<string>());
        var fault = await Assert.ThrowsAsync<VimFaultException>(() => _vsphere.WaitForTaskAsync(VSphereTaskOf(created)));
        Assert.Equal("RequestCanceled", fault.FaultType);
        var finished = await client.GetFinishedTaskAsync(taskId, TimeSpan.FromSeconds(60));
        Assert.Equal("cancelled", finished["status"]?.GetValue<string>());
        Assert.False(await ExistsAsync("never-finished"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Another_instance_follows_and_cancels_a_task_it_did_not_run_when_they_share_the_state_secret(bool shared)
    {
        var secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var first = await HostProcess.StartHttpAsync(Stateless(secret));
        await using var second = await HostProcess.StartHttpAsync(Stateless(shared ? secret : secret + "-other"));
        await using var firstClient = await ConnectAsync(first.BaseUri, McpTaskClient.Options());
        await using var secondClient = await ConnectAsync(second.BaseUri, McpTaskClient.Options());
        await _vsphere.SlowDownTasksAsync("DC0_H0_VM0", TimeSpan.FromSeconds(4));
        var created = await firstClient.CallToolAsync("clone_vm", new { template_name = "DC0_H0_VM0", new_name = $"followed-{shared}" });
        var taskId = created["taskId"]!.GetValue<string>();

        if (!shared)
        {
            var refused = await Assert.ThrowsAsync<McpProtocolException>(() => secondClient.GetTaskAsync(taskId));
            Assert.Contains("signature does not match", refused.Message);
            return;
        }
        var working = await secondClient.GetTaskAsync(taskId);
        Assert.Equal("working", working["status"]?.GetValue<string>());
        await _vsphere.WaitForTaskAsync(VSphereTaskOf(created));
        var outcome = McpTaskClient.Result(await secondClient.GetFinishedTaskAsync(taskId, TimeSpan.FromSeconds(60)));
        var vSphere = outcome.StructuredContent!.Value;
        Assert.Equal("success", vSphere.GetProperty("state").GetString());
        Assert.Equal("clone_vm", vSphere.GetProperty("tool").GetString());
        var clone = (await _vsphere.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, $"followed-{shared}")).Ref;
        Assert.Equal($"VirtualMachine:{clone.Value}", vSphere.GetProperty("result").GetString());

        await _vsphere.SlowDownTasksAsync("DC0_H0_VM0", TimeSpan.FromMinutes(5));
        var slow = await firstClient.CallToolAsync("clone_vm", new { template_name = "DC0_H0_VM0", new_name = "cancelled-elsewhere" });
        await secondClient.CancelTaskAsync(slow["taskId"]!.GetValue<string>());
        await Assert.ThrowsAsync<VimFaultException>(() => _vsphere.WaitForTaskAsync(VSphereTaskOf(slow)));
        var cancelled = await firstClient.GetFinishedTaskAsync(slow["taskId"]!.GetValue<string>(), TimeSpan.FromSeconds(60));
        Assert.Equal("cancelled", cancelled["status"]?.GetValue<string>());
    }

    [Fact]
    public async Task A_caller_sees_only_tasks_their_level_allows_and_bare_vSphere_tasks_only_as_FULL_ADMIN()
    {
        var secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var admin = await HostProcess.StartHttpAsync(Stateless(secret));
        await using var operators = await HostProcess.StartHttpAsync(new Dictionary<string, string?>(Stateless(secret)) { ["MCVSPHERE_STDIO_ROLE"] = "POWER_OPS" });
        await using var adminClient = await ConnectAsync(admin.BaseUri, McpTaskClient.Options());
        await using var operatorClient = await ConnectAsync(operators.BaseUri, McpTaskClient.Options());
        await using var sessionClient = await ConnectAsync(admin.BaseUri, new McpClientOptions { ProtocolVersion = "2025-11-25" });
        await _vsphere.SlowDownTasksAsync("DC0_H0_VM0", TimeSpan.FromSeconds(4));
        var created = await adminClient.CallToolAsync("clone_vm", new { template_name = "DC0_H0_VM0", new_name = "admins-clone" });
        var taskId = created["taskId"]!.GetValue<string>();
        var bareId = VSphereTaskOf(created).Value;
        var altered = (taskId[0] == 'A' ? 'B' : 'A') + taskId[1..];

        var bareForAdmin = await adminClient.GetTaskAsync(bareId);
        var deniedToOperator = await Assert.ThrowsAsync<McpProtocolException>(() => operatorClient.GetTaskAsync(taskId));
        var cancelDenied = await Assert.ThrowsAsync<McpProtocolException>(() => operatorClient.CancelTaskAsync(taskId));
        var bareDenied = await Assert.ThrowsAsync<McpProtocolException>(() => operatorClient.GetTaskAsync(bareId));
        var tampered = await Assert.ThrowsAsync<McpProtocolException>(() => adminClient.GetTaskAsync(altered));
        var oldEra = await Assert.ThrowsAsync<McpProtocolException>(() => sessionClient.GetTaskAsync(taskId));

        Assert.Equal("working", bareForAdmin["status"]?.GetValue<string>());
        Assert.Contains("needs VM_LIFECYCLE", deniedToOperator.Message);
        Assert.Contains("has POWER_OPS", deniedToOperator.Message);
        Assert.Contains("needs VM_LIFECYCLE", cancelDenied.Message);
        Assert.Contains("not started through this server", bareDenied.Message);
        Assert.Contains("needs FULL_ADMIN", bareDenied.Message);
        Assert.Contains("Unknown task", tampered.Message);
        Assert.Equal(McpErrorCode.MethodNotFound, oldEra.ErrorCode);
        Assert.Contains("2026-07-28", oldEra.Message);
        await _vsphere.WaitForTaskAsync(VSphereTaskOf(created));
        Assert.Equal("completed", (await adminClient.GetFinishedTaskAsync(taskId, TimeSpan.FromSeconds(60)))["status"]?.GetValue<string>());
    }

    private IReadOnlyDictionary<string, string?> Stateless(string secret) => new Dictionary<string, string?>(_simulator.HostEnvironment)
    {
        ["MCVSPHERE_HTTP_STATELESS"] = "true",
        ["MCVSPHERE_REQUEST_STATE_SECRET"] = secret,
    };

    private async Task<bool> ExistsAsync(string vm)
    {
        try
        {
            await _vsphere.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, vm);
            return true;
        }
        catch (VSphereException)
        {
            return false;
        }
    }

    /// <summary>The vSphere task a CreateTaskResult names in its status message.</summary>
    private static ManagedObjectReference VSphereTaskOf(JsonObject created) =>
        new("Task", TaskReference().Match(created["statusMessage"]!.GetValue<string>()).Value);

    [GeneratedRegex(@"task-\d+")]
    private static partial Regex TaskReference();

    private static Task<McpClient> ConnectAsync(Uri baseUri, McpClientOptions options) =>
        McpClient.CreateAsync(new HttpClientTransport(new() { Endpoint = new Uri(baseUri, "mcp"), TransportMode = HttpTransportMode.StreamableHttp }), options);
}
