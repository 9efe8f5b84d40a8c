using McVSphere.VSphere.Tasks;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Tests.Unit;

/// <summary>Task waits through WaitForUpdatesEx, on scripted responses of a task that runs (the stock simulator's never do).</summary>
public sealed class TaskWaitTests
{
    private static readonly ManagedObjectReference Vm = new("VirtualMachine", "vm-42");
    private const string Xsi = "xmlns:XMLSchema-instance=\"http://www.w3.org/2001/XMLSchema-instance\"";

    [Fact]
    public async Task Progress_comes_from_property_collector_updates_until_the_result()
    {
        var server = RunningTaskServer()
            .Reply("WaitForUpdatesEx", Updates("1", Change("info.progress", "xsd:int", "40") +
                $"<changeSet><name>info.description</name><op>assign</op><val {Xsi} XMLSchema-instance:type=\"LocalizableMessage\"><key>copy</key><message>Copying disk</message></val></changeSet>"))
            .Reply("WaitForUpdatesEx", FakeVimServer.Envelope("<WaitForUpdatesExResponse xmlns=\"urn:vim25\"></WaitForUpdatesExResponse>"))
            .Reply("WaitForUpdatesEx", Updates("2", Change("info.state", "TaskInfoState", "success") +
                $"<changeSet><name>info.result</name><op>assign</op><val {Xsi} XMLSchema-instance:type=\"ManagedObjectReference\" type=\"VirtualMachine\">vm-99</val></changeSet>"));
        await using var client = server.CreateClient();
        var progress = new RecordingProgress();

        var result = await client.InvokeTaskAsync("CloneVM_Task", Vm, progress: progress);

        Assert.Equal(new ManagedObjectReference("VirtualMachine", "vm-99"), result);
        Assert.Equal([new VSphereTaskProgress(10, null), new VSphereTaskProgress(40, "Copying disk"), new VSphereTaskProgress(100, "Copying disk")], progress.Reports);
        var waits = server.Calls.Where(call => call.Method == "WaitForUpdatesEx").Select(call => call.Body).ToArray();
        Assert.Contains("<version />", waits[0], StringComparison.Ordinal);
        Assert.Contains("<version>1</version>", waits[2], StringComparison.Ordinal);
        Assert.Contains("<maxWaitSeconds>5</maxWaitSeconds>", waits[0], StringComparison.Ordinal);
        Assert.Contains("DestroyPropertyCollector", server.Methods);
    }

    [Fact]
    public async Task Cancelling_the_wait_calls_CancelTask_and_reports_that_the_task_was_cancelled()
    {
        using var cancel = new CancellationTokenSource();
        var server = CancelledWhileWaiting(cancel)
            .Reply("CancelTask", FakeVimServer.Envelope("<CancelTaskResponse xmlns=\"urn:vim25\"/>"))
            .Reply("RetrievePropertiesEx", TaskRead(Property("info.state", "TaskInfoState", "error") + TaskError("RequestCanceled", "The task was canceled by a user.")));
        await using var client = server.CreateClient();

        var cancelled = await Assert.ThrowsAsync<VSphereTaskCancelledException>(() => client.InvokeTaskAsync("CloneVM_Task", Vm, cancellationToken: cancel.Token));

        Assert.Contains("<_this type=\"Task\">task-7</_this>", server.Calls.Single(call => call.Method == "CancelTask").Body, StringComparison.Ordinal);
        Assert.Equal(CancelledTaskOutcome.Cancelled, cancelled.Outcome);
        Assert.Null(cancelled.CancelRefusal);
        Assert.Equal(cancel.Token, cancelled.CancellationToken);
        Assert.Equal("The call was cancelled and vCenter was asked to cancel task task-7: the task was cancelled.", cancelled.Message);
        Assert.Contains("DestroyPropertyCollector", server.Methods);
    }

    [Fact]
    public async Task A_task_that_vCenter_will_not_cancel_is_reported_with_its_real_outcome()
    {
        using var cancel = new CancellationTokenSource();
        var server = CancelledWhileWaiting(cancel)
            .Reply("CancelTask", FakeVimServer.Fault("The operation is not supported on the object.", "<NotSupportedFault xmlns=\"urn:vim25\" xsi:type=\"NotSupported\"/>"))
            .Reply("RetrievePropertiesEx", TaskRead(Property("info.state", "TaskInfoState", "success")));
        await using var client = server.CreateClient();

        var cancelled = await Assert.ThrowsAsync<VSphereTaskCancelledException>(() => client.InvokeTaskAsync("PowerOffVM_Task", Vm, cancellationToken: cancel.Token));

        Assert.Equal(CancelledTaskOutcome.Succeeded, cancelled.Outcome);
        Assert.StartsWith("NotSupported", cancelled.CancelRefusal, StringComparison.Ordinal);
        Assert.Contains("vCenter refused to cancel task task-7", cancelled.Message, StringComparison.Ordinal);
        Assert.EndsWith("the task ran on and succeeded.", cancelled.Message, StringComparison.Ordinal);
    }

    /// <summary>A task that runs until the caller cancels, which it does once the wait has started (not on a timer a busy machine may fire earlier).</summary>
    private static FakeVimServer CancelledWhileWaiting(CancellationTokenSource cancel) => RunningTaskServer()
        .Reply("PowerOffVM_Task", FakeVimServer.Envelope("<PowerOffVM_TaskResponse xmlns=\"urn:vim25\"><returnval type=\"Task\">task-7</returnval></PowerOffVM_TaskResponse>"))
        .Reply("WaitForUpdatesEx", request =>
        {
            _ = cancel.CancelAsync();
            return new TaskCompletionSource<HttpResponseMessage>().Task;
        });

    private static string TaskError(string faultType, string message) =>
        $"<propSet><name>info.error</name><val {Xsi} XMLSchema-instance:type=\"LocalizedMethodFault\"><fault XMLSchema-instance:type=\"{faultType}\"/>" +
        $"<localizedMessage>{message}</localizedMessage></val></propSet>";

    [Fact]
    public async Task A_timeout_leaves_the_task_running_and_reports_its_last_progress()
    {
        var server = RunningTaskServer().Reply("WaitForUpdatesEx", _ => new TaskCompletionSource<HttpResponseMessage>().Task);
        await using var client = server.CreateClient();

        var timeout = await Assert.ThrowsAsync<VSphereTaskTimeoutException>(
            () => client.InvokeTaskAsync("CloneVM_Task", Vm, timeout: TimeSpan.FromMilliseconds(300)));

        Assert.Equal(new ManagedObjectReference("Task", "task-7"), timeout.Task);
        Assert.Equal(10, timeout.LastProgress?.Percent);
        Assert.Contains("task-7 did not finish within", timeout.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("CancelTask", server.Methods);
    }

    [Fact]
    public async Task A_task_error_maps_like_a_SOAP_fault()
    {
        var server = new FakeVimServer()
            .Reply("PowerOnVM_Task", FakeVimServer.Envelope("<PowerOnVM_TaskResponse xmlns=\"urn:vim25\"><returnval type=\"Task\">task-7</returnval></PowerOnVM_TaskResponse>"))
            .Reply("RetrievePropertiesEx", TaskRead(
                Property("info.state", "TaskInfoState", "error") + Property("info.progress", "xsd:int", "0") +
                $"<propSet><name>info.error</name><val {Xsi} XMLSchema-instance:type=\"LocalizedMethodFault\"><fault XMLSchema-instance:type=\"InvalidPowerState\">" +
                "<requestedState>poweredOn</requestedState><existingState>poweredOn</existingState></fault><localizedMessage>*types.InvalidPowerState</localizedMessage></val></propSet>"));
        await using var client = server.CreateClient();

        var fault = await Assert.ThrowsAsync<VimFaultException>(() => client.PowerOnVmAsync(Vm));

        Assert.Equal(VimFaultTypes.InvalidPowerState, fault.FaultType);
        Assert.Equal(new ManagedObjectReference("Task", "task-7"), fault.Task);
        Assert.Contains("current: poweredOn", fault.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("*types", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TaskInfo_tolerates_a_snapshot_as_the_entity()
    {
        var info = $"<propSet><name>info</name><val {Xsi} XMLSchema-instance:type=\"TaskInfo\"><key>task-79</key><task type=\"Task\">task-79</task>" +
            "<name>RevertToSnapshot</name><descriptionId>VirtualMachineSnapshot.revertToSnapshot</descriptionId>" +
            "<entity type=\"VirtualMachineSnapshot\">snapshot-76</entity><entityName>snapshot-76</entityName><state>success</state>" +
            "<cancelled>false</cancelled><cancelable>false</cancelable><reason XMLSchema-instance:type=\"TaskReasonUser\"><userName>vcsim</userName></reason>" +
            "<queueTime>2026-11-24T04:02:01.1Z</queueTime><startTime>2026-11-24T04:02:01.123456789Z</startTime><completeTime>2026-11-24T04:02:01.2Z</completeTime>" +
            "<eventChainId>0</eventChainId></val></propSet>";
        var server = new FakeVimServer().Reply("RetrievePropertiesEx", TaskRead(info, "task-79"));
        await using var client = server.CreateClient();

        var task = await client.GetTaskInfoAsync(new ManagedObjectReference("Task", "task-79"));

        Assert.Equal(new ManagedObjectReference("VirtualMachineSnapshot", "snapshot-76"), task.Entity);
        Assert.Equal(TaskInfoState.Success, task.State);
        Assert.Equal("vcsim", task.UserName);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 4, 2, 1, 123, TimeSpan.Zero).AddTicks(4568), task.StartTime);
    }

    private static FakeVimServer RunningTaskServer() => new FakeVimServer()
        .Reply("CloneVM_Task", FakeVimServer.Envelope("<CloneVM_TaskResponse xmlns=\"urn:vim25\"><returnval type=\"Task\">task-7</returnval></CloneVM_TaskResponse>"))
        .Reply("RetrievePropertiesEx", TaskRead(Property("info.state", "TaskInfoState", "running") + Property("info.progress", "xsd:int", "10")))
        .Reply("CreatePropertyCollector", FakeVimServer.Envelope(
            "<CreatePropertyCollectorResponse xmlns=\"urn:vim25\"><returnval type=\"PropertyCollector\">session[1]pc</returnval></CreatePropertyCollectorResponse>"))
        .Reply("CreateFilter", FakeVimServer.Envelope("<CreateFilterResponse xmlns=\"urn:vim25\"><returnval type=\"PropertyFilter\">session[1]f</returnval></CreateFilterResponse>"))
        .Reply("DestroyPropertyCollector", FakeVimServer.Envelope("<DestroyPropertyCollectorResponse xmlns=\"urn:vim25\"/>"));

    private static string TaskRead(string propSets, string task = "task-7") => FakeVimServer.Envelope(
        $"<RetrievePropertiesExResponse xmlns=\"urn:vim25\"><returnval><objects><obj type=\"Task\">{task}</obj>{propSets}</objects></returnval></RetrievePropertiesExResponse>");

    private static string Property(string path, string type, string value) =>
        $"<propSet><name>{path}</name><val {Xsi} XMLSchema-instance:type=\"{type}\">{value}</val></propSet>";

    private static string Change(string path, string type, string value) =>
        $"<changeSet><name>{path}</name><op>assign</op><val {Xsi} XMLSchema-instance:type=\"{type}\">{value}</val></changeSet>";

    private static string Updates(string version, string changes) => FakeVimServer.Envelope(
        $"<WaitForUpdatesExResponse xmlns=\"urn:vim25\"><returnval><version>{version}</version><filterSet><filter type=\"PropertyFilter\">session[1]f</filter>" +
        $"<objectSet><kind>modify</kind><obj type=\"Task\">task-7</obj>{changes}</objectSet></filterSet></returnval></WaitForUpdatesExResponse>");
}
