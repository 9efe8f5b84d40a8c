using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Tasks;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Tests.Simulator;

/// <summary>
/// Tasks that stop on a question the VM asks: the test bed's guest-locked CD/DVD tray (extraConfig vcsim.cdromLocked),
/// which makes taking the media out of a running VM's drive ask msg.cdromdisconnect.locked.
/// </summary>
public sealed class VmQuestionTests(TwoDatacenterSimulator fixture) : IClassFixture<TwoDatacenterSimulator>
{
    // Far longer than any wait here: a wait that does not notice the question fails by timing out, not by hanging.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_question_left_unanswered_ends_the_wait_at_once_and_the_task_waits_on()
    {
        await using var client = TestClients.Create(fixture.Simulator);
        var (vm, drive) = await LockedDriveAsync(client, "DC0_H0_VM0");

        var asked = await Assert.ThrowsAsync<VSphereVmQuestionException>(() => DisconnectAsync(client, vm, drive, answerQuestion: null));

        Assert.True(asked.Question.Is(VirtualMachineQuestion.CdromLockedMessageId));
        Assert.Equal("DC0_H0_VM0", asked.VmName);
        Assert.Equal(vm, asked.Vm);
        Assert.Contains("locked the CD-ROM door", asked.Message, StringComparison.Ordinal);
        Assert.Contains("0 = Yes, 1 = No (default: No)", asked.Message, StringComparison.Ordinal);
        Assert.Contains(asked.Task.Value, asked.Message, StringComparison.Ordinal);
        Assert.Contains("Answer Question", asked.Message, StringComparison.Ordinal);
        Assert.Equal(TaskInfoState.Running, (await client.GetTaskInfoAsync(asked.Task)).State);

        // Answered No by someone else: the task fails and the media stay.
        await client.AnswerVmAsync(vm, asked.Question.Id, asked.Question.ChoiceLabelled("No")!);
        var refused = await Assert.ThrowsAsync<VimFaultException>(() => client.WaitForTaskAsync(asked.Task, timeout: Bound));
        Assert.Equal("GenericVmConfigFault", refused.FaultType);
        Assert.True((await CdromAsync(client, vm, drive.Key)).Connectable!.Connected);
    }

    [Fact]
    public async Task A_question_the_caller_answers_lets_the_task_finish()
    {
        await using var client = TestClients.Create(fixture.Simulator);
        var (vm, drive) = await LockedDriveAsync(client, "DC0_H0_VM1");
        var seen = new List<VirtualMachineQuestion>();

        await DisconnectAsync(client, vm, drive, question =>
        {
            seen.Add(question);
            return question.ChoiceLabelled("Yes");
        });

        Assert.True(Assert.Single(seen).Is(VirtualMachineQuestion.CdromLockedMessageId));
        Assert.False((await CdromAsync(client, vm, drive.Key)).Connectable!.Connected);
        Assert.Null(VirtualMachineQuestion.From((await client.Properties.RetrieveAsync(vm, ["runtime.question"]))["runtime.question"]));
    }

    [Fact]
    public async Task An_answer_the_question_does_not_offer_is_reported_not_sent()
    {
        await using var client = TestClients.Create(fixture.Simulator);
        var (vm, drive) = await LockedDriveAsync(client, "DC0_C0_RP0_VM0");

        var asked = await Assert.ThrowsAsync<VSphereVmQuestionException>(() => DisconnectAsync(client, vm, drive, _ => "7"));

        Assert.Equal(TaskInfoState.Running, (await client.GetTaskInfoAsync(asked.Task)).State);
        await client.AnswerVmAsync(vm, asked.Question.Id, asked.Question.ChoiceLabelled("Yes")!);
        await client.WaitForTaskAsync(asked.Task, timeout: Bound);
    }

    private static Task DisconnectAsync(VSphereClient client, ManagedObjectReference vm, VirtualCdrom drive, Func<VirtualMachineQuestion, string?>? answerQuestion) =>
        client.InvokeVmTaskAsync("ReconfigVM_Task", vm, [new VimArgument("spec", new VirtualMachineConfigSpec
        {
            DeviceChange = [VirtualDeviceConfigSpec.Edit(drive with { Connectable = new VirtualDeviceConnectInfo { Connected = false, StartConnected = false } })],
        })], answerQuestion, timeout: Bound);

    /// <summary>Puts an ISO in the running VM's first CD/DVD drive, connected, then has the guest lock the tray.</summary>
    private static async Task<(ManagedObjectReference Vm, VirtualCdrom Drive)> LockedDriveAsync(VSphereClient client, string name)
    {
        var vm = (await client.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, name)).Ref;
        var devices = VirtualDevice.ListFrom((await client.Properties.RetrieveAsync(vm, ["config.hardware.device"]))["config.hardware.device"]);
        var drive = devices.OfType<VirtualCdrom>().First() with
        {
            Backing = new VirtualCdromIsoBackingInfo { FileName = "[LocalDS_0] boot.iso" },
            Connectable = new VirtualDeviceConnectInfo { Connected = true, StartConnected = true },
        };
        await client.ReconfigureVmAsync(vm, new VirtualMachineConfigSpec { DeviceChange = [VirtualDeviceConfigSpec.Edit(drive)] });
        await client.ReconfigureVmAsync(vm, new VirtualMachineConfigSpec { ExtraConfig = [new OptionValue("vcsim.cdromLocked", "true")] });
        Assert.Equal("poweredOn", (await client.Properties.RetrieveAsync(vm, ["runtime.powerState"])).GetString("runtime.powerState"));
        return (vm, drive);
    }

    private static async Task<VirtualCdrom> CdromAsync(VSphereClient client, ManagedObjectReference vm, int key) =>
        VirtualDevice.ListFrom((await client.Properties.RetrieveAsync(vm, ["config.hardware.device"]))["config.hardware.device"])
            .OfType<VirtualCdrom>().Single(device => device.Key == key);
}
