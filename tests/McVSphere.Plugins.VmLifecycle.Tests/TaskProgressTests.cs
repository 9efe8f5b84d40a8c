using System.Text.Json;
using McVSphere.Testing;
using McVSphere.VSphere.Properties;
using ModelContextProtocol;

namespace McVSphere.Plugins.VmLifecycle.Tests;

/// <summary>Long tasks: progress notifications, cancellation with the request, and cancel_task.</summary>
public sealed class TaskProgressTests(VmLifecycleFixture fixture) : IClassFixture<VmLifecycleFixture>
{
    [Fact]
    public async Task A_slow_clone_reports_rising_progress_to_the_mcp_client()
    {
        var source = await fixture.CreateVmAsync("slow-source");
        await fixture.SetTaskDelayAsync(source, TimeSpan.FromSeconds(1.5));
        // Listen on the whole session: the server sends notifications without awaiting each other, so the last ones
        // can arrive after the result, when a per-call progress callback has stopped listening.
        await using var progress = new ProgressRecorder(fixture.Client);

        await fixture.Client.CallJsonAsync("clone_vm", new { template_name = source, new_name = fixture.UniqueName("slow-clone") }, progress);

        var updates = await progress.WaitForAsync(update => update.Progress >= 100);
        var steps = updates.Select(update => update.Progress).Distinct().Order().ToList();
        Assert.True(steps.Count >= 3, $"only {steps.Count} distinct progress steps: {string.Join(", ", steps)}");
        Assert.Equal(100, steps[^1]);
        Assert.Contains(updates, update => update.Message?.Contains("Cloning", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Cancelling_the_request_cancels_the_clone_task_in_vsphere()
    {
        var source = await fixture.CreateVmAsync("cancel-source");
        await fixture.SetTaskDelayAsync(source, TimeSpan.FromSeconds(4));
        var sourceRef = await fixture.FindVmAsync(source);
        var clone = fixture.UniqueName("cancelled-clone");

        // notifications/cancelled is sent explicitly: the MCP SDK's client does not send it when a call's token is cancelled.
        var answer = await fixture.Client.CallAndCancelAsync("clone_vm", new { template_name = source, new_name = clone });

        Assert.IsNotType<ModelContextProtocol.Protocol.JsonRpcResponse>(answer);
        var task = await WaitForFinishedTaskAsync("CloneVM_Task", sourceRef);
        Assert.Equal(TaskInfoState.Error, task.State);
        Assert.True(task.Cancelled);
        Assert.Equal("RequestCanceled", task.ErrorFaultType);
        Assert.DoesNotContain(await fixture.VSphere.Lookup.ListAsync(McVSphere.VSphere.Lookup.VSphereObjectKind.VirtualMachine), vm => vm.Name == clone);
    }

    [Fact]
    public async Task Cancelling_a_power_off_that_vCenter_cannot_cancel_audits_that_it_ran_on()
    {
        var vm = await fixture.CreateVmAsync("uncancelable");
        await fixture.VSphere.PowerOnVmAsync(await fixture.FindVmAsync(vm));
        await fixture.SetTaskDelayAsync(vm, TimeSpan.FromSeconds(2));

        var answer = await fixture.Client.CallAndCancelAsync("power_off", new { name = vm });

        Assert.IsNotType<ModelContextProtocol.Protocol.JsonRpcResponse>(answer);
        var audit = JsonDocument.Parse(await fixture.WaitForHostLogAsync(
            line => line.Contains("\"TOOL_CALL\"", StringComparison.Ordinal) && line.Contains("\"power_off\"", StringComparison.Ordinal) && line.Contains(vm, StringComparison.Ordinal),
            "the audit line of the cancelled power_off")).RootElement;
        var error = audit.GetProperty("error").GetString();
        Assert.Contains("vCenter refused to cancel task task-", error);
        Assert.Contains("NotSupported", error);
        Assert.EndsWith("the task ran on and succeeded.", error);
        var state = await fixture.VSphere.Properties.RetrieveAsync(await fixture.FindVmAsync(vm), ["runtime.powerState"]);
        Assert.Equal("poweredOff", state.GetString("runtime.powerState"));
    }

    [Fact]
    public async Task A_wait_that_outlives_timeout_s_returns_the_task_id_which_the_task_tools_take()
    {
        var source = await fixture.CreateVmAsync("timeout-source");
        await fixture.SetTaskDelayAsync(source, TimeSpan.FromSeconds(20));

        var error = await fixture.Client.CallErrorAsync("clone_vm", new { template_name = source, new_name = fixture.UniqueName("late-clone"), timeout_s = 1 });

        var taskId = System.Text.RegularExpressions.Regex.Match(error, @"task-\d+").Value;
        Assert.False(string.IsNullOrEmpty(taskId), error);
        Assert.Contains("within 1 s", error);
        Assert.Contains("goes on in vCenter", error);
        Assert.Contains("cancel_task", error);
        Assert.Equal(TaskInfoState.Running, (await fixture.VSphere.GetTaskInfoAsync(new ManagedObjectReference("Task", taskId))).State);

        var cancelled = await fixture.Client.CallJsonAsync("cancel_task", new { task_id = taskId });

        Assert.Equal("error", cancelled.GetProperty("state").GetString());
        Assert.True(cancelled.GetProperty("cancelled").GetBoolean());
        Assert.Contains("timeout_s", await fixture.Client.CallErrorAsync("clone_vm", new { template_name = source, new_name = fixture.UniqueName("never"), timeout_s = 0 }));
    }

    [Fact]
    public async Task Cancel_task_cancels_a_running_task_and_refuses_what_cannot_be_cancelled()
    {
        var source = await fixture.CreateVmAsync("task-source");
        await fixture.SetTaskDelayAsync(source, TimeSpan.FromSeconds(4));
        var vm = await fixture.ReadVmAsync(source, "parent", "resourcePool");
        var clone = await fixture.VSphere.InvokeAsync("CloneVM_Task", vm.Ref,
        [
            new VimArgument("folder", vm.GetReference("parent")),
            new VimArgument("name", fixture.UniqueName("never")),
            new VimArgument("spec", new VirtualMachineCloneSpec { Location = new VirtualMachineRelocateSpec { Pool = vm.GetReference("resourcePool") } }),
        ]);
        var taskId = clone!.AsReference().Value;

        var result = await fixture.Client.CallJsonAsync("cancel_task", new { task_id = taskId });

        Assert.Equal("error", result.GetProperty("state").GetString());
        Assert.True(result.GetProperty("cancelled").GetBoolean());
        var info = await fixture.VSphere.GetTaskInfoAsync(clone.AsReference());
        Assert.Equal(TaskInfoState.Error, info.State);
        Assert.Equal("RequestCanceled", info.ErrorFaultType);
        Assert.True((await fixture.Client.CallJsonAsync("cancel_task", new { task_id = taskId })).GetProperty("already_in_state").GetBoolean());

        // Power operations are not cancelable in vSphere.
        var powerOn = (await fixture.VSphere.InvokeAsync("PowerOnVM_Task", vm.Ref))!.AsReference();
        Assert.Contains("does not let", await fixture.Client.CallErrorAsync("cancel_task", new { task_id = powerOn.Value }));
        await fixture.VSphere.WaitForTaskAsync(powerOn);
        Assert.Contains("already finished", await fixture.Client.CallErrorAsync("cancel_task", new { task_id = powerOn.Value }));
        Assert.Contains("no task", await fixture.Client.CallErrorAsync("cancel_task", new { task_id = "task-999999" }));
        Assert.Contains("task_id", await fixture.Client.CallErrorAsync("cancel_task", new { task_id = " " }));
    }

    /// <summary>The newest task of the method on the entity, once it has finished (cancellation takes effect asynchronously).</summary>
    private async Task<TaskInfo> WaitForFinishedTaskAsync(string method, ManagedObjectReference entity)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var task = (await fixture.VSphere.GetRecentTasksAsync()).LastOrDefault(info => info.Name == method && info.Entity == entity);
            if (task is { State: TaskInfoState.Success or TaskInfoState.Error } || DateTime.UtcNow > deadline)
            {
                return task ?? throw new InvalidOperationException($"no {method} task on {entity}");
            }
            await Task.Delay(100);
        }
    }
}
