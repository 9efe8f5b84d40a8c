using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Tasks;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Tests.Simulator;

/// <summary>Tasks that run for a while, through the test bed's per-VM task delay (extraConfig vcsim.taskDelayMs).</summary>
public sealed class LongTaskTests(TwoDatacenterSimulator fixture) : IClassFixture<TwoDatacenterSimulator>
{
    [Fact]
    public async Task Progress_is_reported_while_the_task_runs()
    {
        await using var client = TestClients.Create(fixture.Simulator);
        var vm = await SlowVmAsync(client, "DC1_H0_VM1", TimeSpan.FromMilliseconds(1200));
        var progress = new RecordingProgress();

        await client.PowerOffVmAsync(vm, progress);

        var percents = progress.Reports.Select(report => report.Percent).ToArray();
        Assert.Equal(100, percents[^1]);
        Assert.Contains(percents, percent => percent is > 0 and < 100);
        Assert.Equal(percents.Order(), percents);
        Assert.Equal("poweredOff", (await client.Properties.RetrieveAsync(vm, ["runtime.powerState"])).GetString("runtime.powerState"));
    }

    [Fact]
    public async Task A_wait_that_times_out_says_the_task_goes_on_and_can_be_waited_for_again()
    {
        await using var client = TestClients.Create(fixture.Simulator);
        var vm = await SlowVmAsync(client, "DC1_H0_VM0", TimeSpan.FromMilliseconds(2000));

        var timeout = await Assert.ThrowsAsync<VSphereTaskTimeoutException>(
            () => client.InvokeTaskAsync("PowerOffVM_Task", vm, timeout: TimeSpan.FromMilliseconds(500)));
        var busy = await Assert.ThrowsAsync<VimFaultException>(() => client.ResetVmAsync(vm));
        await client.WaitForTaskAsync(timeout.Task);

        Assert.Contains("goes on in vCenter", timeout.Message, StringComparison.Ordinal);
        Assert.Contains(timeout.Task.Value, timeout.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMilliseconds(500), timeout.Timeout);
        Assert.Equal(VimFaultTypes.TaskInProgress, busy.FaultType);
        Assert.Equal("poweredOff", (await client.Properties.RetrieveAsync(vm, ["runtime.powerState"])).GetString("runtime.powerState"));
    }

    [Fact]
    public async Task Cancelling_the_wait_cancels_the_task_in_vCenter()
    {
        await using var client = TestClients.Create(fixture.Simulator);
        var vm = await SlowVmAsync(client, "DC1_C0_RP0_VM1", TimeSpan.FromSeconds(20));
        using var cancel = new CancellationTokenSource();
        // Cancel once the task exists in vCenter (its first progress report), not after a fixed time:
        // on a busy machine a timer can fire before the task is even created.
        var cancelOnFirstReport = new Progress<VSphereTaskProgress>(_ => cancel.Cancel());

        var cancelled = await Assert.ThrowsAsync<VSphereTaskCancelledException>(
            () => client.CreateSnapshotAsync(vm, "never", progress: cancelOnFirstReport, cancellationToken: cancel.Token));
        Assert.Equal(CancelledTaskOutcome.Cancelled, cancelled.Outcome);

        var task = (await client.GetRecentTasksAsync()).Last(info => info.Entity == vm);
        Assert.True(task.Cancelled);
        Assert.Equal(TaskInfoState.Error, task.State);
        Assert.Equal(VimFaultTypes.RequestCanceled, task.ErrorFaultType);
        Assert.Null(await client.GetSnapshotsAsync(vm));
    }

    [Fact]
    public async Task Cancelling_a_power_off_that_vCenter_cannot_cancel_reports_that_it_ran_on()
    {
        await using var client = TestClients.Create(fixture.Simulator);
        var vm = await SlowVmAsync(client, "DC1_C0_RP0_VM0", TimeSpan.FromSeconds(2));
        using var cancel = new CancellationTokenSource();
        var cancelOnFirstReport = new Progress<VSphereTaskProgress>(_ => cancel.Cancel());

        var cancelled = await Assert.ThrowsAsync<VSphereTaskCancelledException>(
            () => client.PowerOffVmAsync(vm, cancelOnFirstReport, cancel.Token));

        Assert.Equal(CancelledTaskOutcome.Succeeded, cancelled.Outcome);
        Assert.StartsWith(VimFaultTypes.NotSupported, cancelled.CancelRefusal, StringComparison.Ordinal);
        Assert.Contains("ran on and succeeded", cancelled.Message, StringComparison.Ordinal);
        Assert.Equal("poweredOff", (await client.Properties.RetrieveAsync(vm, ["runtime.powerState"])).GetString("runtime.powerState"));
    }

    private static async Task<ManagedObjectReference> SlowVmAsync(VSphereClient client, string name, TimeSpan delay)
    {
        var vm = (await client.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, name)).Ref;
        await client.ReconfigureVmAsync(vm, new VirtualMachineConfigSpec
        {
            ExtraConfig = [new OptionValue("vcsim.taskDelayMs", ((int)delay.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture))],
        });
        return vm;
    }
}
