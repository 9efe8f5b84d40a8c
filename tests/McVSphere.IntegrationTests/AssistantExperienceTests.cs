using System.Text.Json;
using McVSphere.Testing;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McVSphere.IntegrationTests;

/// <summary>What the host adds to every plugin's tools for assistants: confirmations, dry runs, compact mode.</summary>
public class AssistantExperienceTests : IAsyncLifetime
{
    private SimulatorProcess _simulator = null!;

    public async Task InitializeAsync() => _simulator = await SimulatorProcess.StartAsync();

    public async Task DisposeAsync() => await _simulator.DisposeAsync();

    private Task<McpClient> StartAsync(Dictionary<string, string?>? settings = null, Func<ElicitRequestParams?, ElicitResult>? elicit = null,
        string? protocolVersion = null)
    {
        var environment = new Dictionary<string, string?>(_simulator.HostEnvironment);
        foreach (var (name, value) in settings ?? [])
        {
            environment[name] = value;
        }
        var options = new McpClientOptions
        {
            ProtocolVersion = protocolVersion,
            Handlers = new McpClientHandlers { ElicitationHandler = elicit is null ? null : (request, _) => ValueTask.FromResult(elicit(request)) },
        };
        return HostProcess.StartStdioAsync(environment, clientOptions: options);
    }

    /// <summary>The initialize-and-session era most clients speak, and 2026-07-28's (server/discover, per-request metadata).</summary>
    public static TheoryData<string> ProtocolEras => new("2025-11-25", "2026-07-28");

    private static async Task<string> CreateVmAsync(McpClient client, string name)
    {
        await client.CallJsonAsync("create_vm", new { name });
        return name;
    }

    private static async Task<bool> VmExistsAsync(McpClient client, string name) =>
        (await client.CallToolAsync("get_vm_info", new Dictionary<string, object?> { ["name"] = name })).IsError != true;

    [Theory]
    [MemberData(nameof(ProtocolEras))]
    public async Task A_destructive_call_without_elicitation_needs_confirm_and_a_dry_run_changes_nothing(string protocolVersion)
    {
        await using var client = await StartAsync(protocolVersion: protocolVersion);
        Assert.Equal(protocolVersion, client.NegotiatedProtocolVersion);
        Assert.Equal("mcvsphere", client.ServerInfo?.Name); // From initialize, or from server/discover in 2026-07-28.
        var vm = await CreateVmAsync(client, "confirm-me");

        var refused = await client.CallErrorAsync("delete_vm", new { name = vm });
        var dryRun = await client.CallJsonAsync("delete_vm", new { name = vm, dry_run = true });
        Assert.True(await VmExistsAsync(client, vm));
        await client.CallJsonAsync("delete_vm", new { name = vm, confirm = true });

        Assert.Contains("confirm=true", refused);
        Assert.Contains(vm, refused);
        Assert.True(dryRun.GetProperty("dry_run").GetBoolean());
        Assert.Contains(vm, dryRun.GetProperty("would_change").GetString());
        Assert.False(await VmExistsAsync(client, vm));
    }

    [Theory]
    [MemberData(nameof(ProtocolEras))]
    public async Task An_elicitation_declined_leaves_the_vm_and_accepted_deletes_it(string protocolVersion)
    {
        var asked = new List<string>();
        var answer = "decline";
        await using var client = await StartAsync(protocolVersion: protocolVersion, elicit: request =>
        {
            asked.Add(request!.Message);
            return answer == "accept"
                ? new ElicitResult { Action = "accept", Content = new Dictionary<string, JsonElement> { ["confirm"] = JsonSerializer.SerializeToElement(true) } }
                : new ElicitResult { Action = "decline" };
        });
        var vm = await CreateVmAsync(client, "ask-the-user");

        var declined = await client.CallErrorAsync("delete_vm", new { name = vm });
        Assert.True(await VmExistsAsync(client, vm));
        answer = "accept";
        await client.CallJsonAsync("delete_vm", new { name = vm });

        Assert.Contains("did not confirm", declined);
        Assert.Equal(2, asked.Count);
        Assert.All(asked, message => Assert.Contains(vm, message));
        Assert.False(await VmExistsAsync(client, vm));
    }

    [Fact]
    public async Task The_server_setting_skips_confirmation()
    {
        await using var client = await StartAsync(new() { ["MCVSPHERE_CONFIRM_DESTRUCTIVE"] = "false" });
        var vm = await CreateVmAsync(client, "no-questions");

        await client.CallJsonAsync("delete_vm", new { name = vm });

        Assert.False(await VmExistsAsync(client, vm));
    }

    [Fact]
    public async Task Every_tool_publishes_the_schema_of_its_result_and_those_that_change_something_that_of_a_dry_run()
    {
        await using var client = await StartAsync();

        var tools = await client.ListToolsAsync();

        Assert.Equal(110, tools.Count);
        var untyped = tools.Where(tool => tool.ProtocolTool.OutputSchema is null).Select(tool => tool.Name);
        Assert.Equal(["vm_screenshot"], untyped); // Its result is an image.
        foreach (var tool in tools.Where(tool => tool.ProtocolTool.OutputSchema is not null))
        {
            var schema = tool.ProtocolTool.OutputSchema!.Value;
            Assert.Equal("object", schema.GetProperty("type").GetString());
            var changes = tool.ProtocolTool.InputSchema.GetProperty("properties").TryGetProperty("dry_run", out _);
            Assert.True(changes == schema.TryGetProperty("anyOf", out _), $"{tool.Name}: a dry run answer is in its schema if and only if it takes dry_run");
        }
        // CallJsonAsync checks each result against its tool's schema: here a result, and a dry run.
        await client.CallJsonAsync("get_vm_info", new { name = "DC0_H0_VM0" });
        await client.CallJsonAsync("power_off", new { name = "DC0_H0_VM0", dry_run = true });
    }

    [Theory]
    [MemberData(nameof(ProtocolEras))]
    public async Task Compact_mode_serves_one_tool_per_family_that_reaches_the_same_tools(string protocolVersion)
    {
        await using var full = await StartAsync(protocolVersion: protocolVersion);
        await using var compact = await StartAsync(new() { ["MCVSPHERE_TOOL_MODE"] = "compact" }, protocolVersion: protocolVersion);

        var tools = (await compact.ListToolsAsync()).Select(t => t.Name).Order().ToList();
        var direct = await full.CallJsonAsync("get_vm_info", new { name = "DC0_H0_VM0" });
        var wrapped = await compact.CallJsonAsync("inventory", new { operation = "get_vm_info", arguments = new { name = "DC0_H0_VM0" } });
        var operations = await compact.CallJsonAsync("inventory", new { operation = "list_operations" });
        var unknown = await compact.CallErrorAsync("inventory", new { operation = "list_vmz" });

        Assert.Contains("inventory", tools);
        Assert.Contains("vm_lifecycle", tools);
        Assert.True(tools.Count <= 5, string.Join(", ", tools));
        Assert.Equal(direct.GetRawText(), wrapped.GetRawText());
        Assert.Contains(operations.EnumerateArray(), op => op.GetProperty("operation").GetString() == "list_vms" && op.GetProperty("input_schema").ValueKind == JsonValueKind.Object);
        Assert.Contains("list_vms", unknown);
    }

    [Theory]
    [MemberData(nameof(ProtocolEras))]
    public async Task Compact_mode_calls_are_denied_by_rbac_exactly_as_full_mode_calls(string protocolVersion)
    {
        var readOnly = new Dictionary<string, string?> { ["MCVSPHERE_STDIO_ROLE"] = "READ_ONLY" };
        await using var full = await StartAsync(readOnly, protocolVersion: protocolVersion);
        await using var compact = await StartAsync(new(readOnly) { ["MCVSPHERE_TOOL_MODE"] = "compact" }, protocolVersion: protocolVersion);

        var fullDenial = await full.CallErrorAsync("power_off", new { name = "DC0_H0_VM0" });
        var compactDenial = await compact.CallErrorAsync("vm_lifecycle", new { operation = "power_off", arguments = new { name = "DC0_H0_VM0" } });
        var vmLifecycle = (await compact.ListToolsAsync()).Single(t => t.Name == "vm_lifecycle");
        var listed = vmLifecycle.ProtocolTool.InputSchema.GetProperty("properties").GetProperty("operation").GetProperty("enum")
            .EnumerateArray().Select(e => e.GetString()).ToList();

        Assert.Equal(fullDenial, compactDenial);
        Assert.Contains("POWER_OPS", compactDenial);
        Assert.Contains("list_snapshots", listed);
        Assert.DoesNotContain("power_off", listed);
    }

    [Fact]
    public async Task Completion_suggests_inventory_names_for_resource_template_arguments()
    {
        await using var client = await StartAsync();
        var datastores = new ResourceTemplateReference { Uri = "datastore://{datastore_name}" };

        var completion = await client.CompleteAsync(datastores, "datastore_name", "loc");
        var none = await client.CompleteAsync(datastores, "datastore_name", "no-such-datastore");

        Assert.Equal(["LocalDS_0"], completion.Completion.Values);
        Assert.Empty(none.Completion.Values);
    }

    [Theory]
    [MemberData(nameof(ProtocolEras))]
    public async Task Completion_suggests_vm_names(string protocolVersion)
    {
        await using var client = await StartAsync(protocolVersion: protocolVersion);

        var completion = await client.CompleteAsync(new ResourceTemplateReference { Uri = "esxi://vms/{vm_name}" }, "vm_name", "dc0_h0");

        Assert.Equal(["DC0_H0_VM0", "DC0_H0_VM1"], completion.Completion.Values);
    }

    [Fact]
    public async Task A_subscribed_client_is_told_when_a_vm_changes_power_state()
    {
        // resources/subscribe is the subscription method of the revisions before 2026-07-28.
        await using var client = await StartAsync(protocolVersion: "2025-11-25");
        var updated = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);

        await using var subscription = await client.SubscribeToResourceAsync("esxi://vms", (notification, _) =>
        {
            updated.TrySetResult(notification.Uri);
            return ValueTask.CompletedTask;
        });
        await client.CallJsonAsync("power_off", new { name = "DC0_C0_RP0_VM1" });

        Assert.Equal("esxi://vms", await updated.Task.WaitAsync(TimeSpan.FromSeconds(20)));
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => client.SubscribeToResourceAsync("esxi://nothing"));
        Assert.Contains("esxi://vms", refused.Message);
    }

    [Theory]
    [InlineData("stdio")]
    [InlineData("http")]
    public async Task A_2026_client_listening_to_the_vms_is_told_when_a_vm_changes_power_state(string transport)
    {
        await using var http = transport == "http" ? await HostProcess.StartHttpAsync(_simulator.HostEnvironment) : null;
        await using var client = http is null
            ? await StartAsync(protocolVersion: "2026-07-28")
            : await http.ConnectAsync(clientOptions: new McpClientOptions { ProtocolVersion = "2026-07-28" });
        var acknowledged = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        var updated = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var onAcknowledged = client.RegisterNotificationHandler(NotificationMethods.SubscriptionsAcknowledgedNotification, (notification, _) =>
        {
            acknowledged.TrySetResult(JsonSerializer.SerializeToElement(notification.Params));
            return ValueTask.CompletedTask;
        });
        await using var onUpdated = client.RegisterNotificationHandler(NotificationMethods.ResourceUpdatedNotification, (notification, _) =>
        {
            updated.TrySetResult(JsonSerializer.SerializeToElement(notification.Params));
            return ValueTask.CompletedTask;
        });
        using var stopListening = new CancellationTokenSource();
        var listen = client.SendRequestAsync(new JsonRpcRequest
        {
            Method = RequestMethods.SubscriptionsListen,
            Params = JsonSerializer.SerializeToNode(new SubscriptionsListenRequestParams
            {
                Notifications = new SubscriptionsListenNotifications { ResourceSubscriptions = ["esxi://vms", "esxi://nothing"] },
            }, McpJsonUtilities.DefaultOptions),
        }, stopListening.Token);

        var granted = await acknowledged.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await client.CallJsonAsync("power_off", new { name = "DC0_C0_RP0_VM1" });
        var update = await updated.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await stopListening.CancelAsync();

        Assert.Equal(["esxi://vms"], granted.GetProperty("notifications").GetProperty("resourceSubscriptions").EnumerateArray().Select(uri => uri.GetString()));
        Assert.Equal("esxi://vms", update.GetProperty("uri").GetString());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listen);
    }
}
