using McVSphere.Testing;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;

namespace McVSphere.IntegrationTests;

/// <summary>SIGTERM, as an orchestrator stops a container: calls in flight are cancelled in vCenter and the session is logged out.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Sigterm_cancels_the_task_in_flight_answers_the_call_and_logs_out_of_vCenter()
    {
        await using var simulator = await SimulatorProcess.StartAsync();
        await using var host = await HostProcess.StartHttpAsync(simulator.HostEnvironment);
        await using var vsphere = SimulatorVSphere.Connect(simulator);
        // Far longer than .NET's default 30 s shutdown wait: only a cancellation ends this clone early.
        var source = await vsphere.SlowDownTasksAsync("DC0_H0_VM0", TimeSpan.FromMinutes(5));
        await using var client = await host.ConnectAsync();
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var call = client.CallToolAsync("clone_vm", new Dictionary<string, object?> { ["template_name"] = "DC0_H0_VM0", ["new_name"] = "never-cloned" },
            progress: new Progress<ProgressNotificationValue>(_ => running.TrySetResult())).AsTask();
        await running.Task.WaitAsync(TimeSpan.FromSeconds(60));
        ProcessSignals.Send(host.ProcessId, "TERM");

        var answer = await call.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.True(answer.IsError);
        var text = McpClientExtensions.Text(answer);
        Assert.Contains("shutting down", text);
        Assert.Contains("the task was cancelled", text);
        var clone = (await vsphere.GetRecentTasksAsync()).Last(task => task.Entity == source && task.Name == "CloneVM_Task");
        Assert.Equal(TaskInfoState.Error, clone.State);
        Assert.True(clone.Cancelled);
        Assert.Contains("Logged out of", host.Log);
    }
}
