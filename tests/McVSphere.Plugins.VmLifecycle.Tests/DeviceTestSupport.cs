using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McVSphere.Plugins.VmLifecycle.Tests;

/// <summary>What the device tests prepare and read back through the fixture's own vSphere client.</summary>
internal static class DeviceTestSupport
{
    /// <summary>
    /// Creates a powered-off VM on the standalone host DC0_H0 with only the devices every VM gets (IDE and PCI
    /// controllers, video card...): no SCSI controller, disk, network adapter, CD/DVD drive or serial port.
    /// </summary>
    public static async Task<string> CreateBareVmAsync(this VmLifecycleFixture fixture, string prefix)
    {
        var name = fixture.UniqueName(prefix);
        var client = fixture.VSphere;
        var folder = await client.Lookup.FindByPathAsync(VSphereObjectKind.Folder, "DC0/vm");
        var pool = await client.Lookup.FindByPathAsync(VSphereObjectKind.ResourcePool, "DC0/host/DC0_H0/Resources");
        var host = await client.Lookup.FindAsync(VSphereObjectKind.Host, "DC0_H0");
        await client.CreateVmAsync(folder.Ref, new VirtualMachineConfigSpec
        {
            Name = name,
            GuestId = "otherGuest64",
            NumCPUs = 1,
            MemoryMB = 128,
            Files = new VirtualMachineFileInfo { VmPathName = "[LocalDS_0]" },
        }, pool.Ref, host.Ref);
        return name;
    }

    /// <summary>The VM's devices as vSphere reports them.</summary>
    public static async Task<IReadOnlyList<VirtualDevice>> DevicesAsync(this VmLifecycleFixture fixture, string name) =>
        await fixture.VSphere.GetDevicesAsync(await fixture.FindVmAsync(name));

    /// <summary>Makes the VM's tasks run <paramref name="delay"/> and be cancelable, as long reconfigurations of real vCenters are.</summary>
    public static async Task SetSlowCancelableTasksAsync(this VmLifecycleFixture fixture, string name, TimeSpan delay) =>
        await fixture.VSphere.ReconfigureVmAsync(await fixture.FindVmAsync(name), new VirtualMachineConfigSpec
        {
            ExtraConfig =
            [
                new OptionValue("vcsim.taskDelayMs", ((int)delay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)),
                new OptionValue("vcsim.taskCancelable", "true"),
            ],
        });

    public static async Task PowerOnAsync(this VmLifecycleFixture fixture, string name) =>
        await fixture.VSphere.PowerOnVmAsync(await fixture.FindVmAsync(name));

    public static async Task PowerOffAsync(this VmLifecycleFixture fixture, string name) =>
        await fixture.VSphere.PowerOffVmAsync(await fixture.FindVmAsync(name));

    /// <summary>Whether a file exists on datastore LocalDS_0 (the simulator's /folder endpoint needs no login).</summary>
    public static async Task<bool> DatastoreFileExistsAsync(this VmLifecycleFixture fixture, string datastorePath)
    {
        Assert.True(DatastorePath.TryParse(datastorePath, out var path), $"not a datastore path: {datastorePath}");
        using var http = new HttpClient();
        var url = new Uri(fixture.Simulator.Url, $"/folder/{path.Path}?dcPath=DC0&dsName={Uri.EscapeDataString(path.Datastore)}");
        using var response = await http.GetAsync(url);
        return response.IsSuccessStatusCode;
    }

    /// <summary>
    /// Calls a tool, then cancels the request with <c>notifications/cancelled</c>, as MCP clients do (the SDK's client
    /// does not send it when the call's token is cancelled), once its first progress notification says the vSphere
    /// task exists; then waits for the call to end.
    /// </summary>
    /// <returns>The answer if one came for the cancelled request; null if none did.</returns>
    public static async Task<JsonRpcMessage?> CallAndCancelAsync(this McpClient client, string tool, object arguments)
    {
        var id = new RequestId($"cancel-{Guid.NewGuid():N}");
        var progressToken = new ProgressToken(id.ToString());
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var progress = client.RegisterNotificationHandler(NotificationMethods.ProgressNotification, (notification, _) =>
        {
            if (notification.Params.Deserialize<ProgressNotificationParams>(McpJsonUtilities.DefaultOptions)?.ProgressToken.Equals(progressToken) == true)
            {
                running.TrySetResult();
            }
            return ValueTask.CompletedTask;
        });
        var call = client.SendRequestAsync(new JsonRpcRequest
        {
            Id = id,
            Method = RequestMethods.ToolsCall,
            Params = JsonNode.Parse(JsonSerializer.Serialize(new { name = tool, arguments, _meta = new { progressToken = id.ToString() } })),
        });
        await Task.WhenAny(running.Task, call).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(running.Task.IsCompleted, $"{tool} answered before it reported progress: {(call.IsCompletedSuccessfully ? call.Result : call.Exception)}");
        await client.SendNotificationAsync(NotificationMethods.CancelledNotification, new CancelledNotificationParams { RequestId = id, Reason = "test" });
        try
        {
            return await call.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception error) when (error is OperationCanceledException or TimeoutException)
        {
            return null; // The client gave the request up (it does once it has sent the notification), or no answer came.
        }
    }
}
