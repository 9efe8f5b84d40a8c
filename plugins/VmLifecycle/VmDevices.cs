using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Progress;
using McVSphere.VSphere;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;

namespace McVSphere.Plugins.VmLifecycle;

/// <summary>
/// What the device tools (disks, CD/DVD, network adapters, serial ports) share: devices named by the label vSphere
/// shows, and device changes applied in one reconfiguration whose result is read back from vSphere.
/// </summary>
internal static class VmDevices
{
    private static readonly string[] DevicePath = ["config.hardware.device"];

    /// <summary>The label vSphere shows for the device, e.g. "Hard disk 1" or "Network adapter 2".</summary>
    public static string Label(this VirtualDevice device) =>
        device.DeviceInfo?.Label is { Length: > 0 } label ? label : $"device {device.Key}";

    /// <summary>
    /// The device of type <typeparamref name="TDevice"/> labelled <paramref name="label"/> (exactly, else ignoring
    /// case); otherwise a not-found error for <paramref name="argument"/> that lists the labels that exist.
    /// </summary>
    /// <param name="noun">What the device is, for the message: "disk", "network adapter"...</param>
    public static TDevice FindByLabel<TDevice>(this IReadOnlyList<VirtualDevice> devices, string vmName, string label, string argument, string noun)
        where TDevice : VirtualDevice
    {
        var candidates = devices.OfType<TDevice>().ToArray();
        if (string.IsNullOrWhiteSpace(label))
        {
            throw ToolException.InvalidArgument(argument, $"{argument} is required: give the {noun}'s label as vSphere shows it.",
                candidates.Select(Label).ToArray());
        }
        var match = candidates.FirstOrDefault(device => string.Equals(device.Label(), label, StringComparison.Ordinal))
            ?? candidates.SingleOrDefault(device => string.Equals(device.Label(), label.Trim(), StringComparison.OrdinalIgnoreCase));
        if (match is not null)
        {
            return match;
        }
        // The labels that exist are the argument's allowed values (the host appends them to the message).
        throw candidates.Length == 0
            ? new ToolException(ToolErrorKind.NotFound, $"VM '{vmName}' has no {noun} at all, so none is labelled '{label}'.", argument)
            : ToolException.InvalidArgument(argument, $"VM '{vmName}' has no {noun} labelled '{label}'.", candidates.Select(Label).ToArray());
    }

    /// <summary>The devices of <paramref name="after"/> that <paramref name="before"/> did not have (matched by key).</summary>
    public static IEnumerable<TDevice> Added<TDevice>(this IReadOnlyList<VirtualDevice> after, IReadOnlyList<VirtualDevice> before)
        where TDevice : VirtualDevice
    {
        var existing = before.Select(device => device.Key).ToHashSet();
        return after.OfType<TDevice>().Where(device => !existing.Contains(device.Key));
    }

    /// <summary>
    /// Applies device changes in one ReconfigVM_Task, reporting its progress as MCP progress notifications and
    /// cancelling it when the request is cancelled, then reads the VM's devices back. A question the VM asks meanwhile
    /// is answered by <paramref name="answerQuestion"/>, else it ends the call with the question and its choices.
    /// </summary>
    /// <param name="changeVersion">The <c>config.changeVersion</c> the changes were computed from, so that vSphere refuses
    /// them if the VM changed meanwhile; null to apply them regardless.</param>
    /// <param name="operation">What is being done, for the progress messages.</param>
    public static async Task<IReadOnlyList<VirtualDevice>> ChangeDevicesAsync(this VSphereClient client, ManagedObjectReference vm, string? changeVersion,
        IReadOnlyList<VirtualDeviceConfigSpec> changes, IProgress<ProgressNotificationValue> progress, string operation,
        Func<VirtualMachineQuestion, string?>? answerQuestion, CancellationToken cancellationToken)
    {
        var spec = new VirtualMachineConfigSpec { ChangeVersion = changeVersion, DeviceChange = changes };
        await client.ReconfigureVmAsync(vm, spec, progress.ForVSphereTask(operation), answerQuestion, cancellationToken).ConfigureAwait(false);
        var content = await client.Properties.RetrieveAsync(vm, DevicePath, cancellationToken).ConfigureAwait(false);
        return VirtualDevice.ListFrom(content["config.hardware.device"]);
    }

    /// <summary>Applies device changes to a VM found by <see cref="VmLocator"/>; a question the VM asks ends the call. See the other overload.</summary>
    public static Task<IReadOnlyList<VirtualDevice>> ChangeDevicesAsync(this VSphereClient client, LocatedVm vm,
        IReadOnlyList<VirtualDeviceConfigSpec> changes, IProgress<ProgressNotificationValue> progress, string operation,
        CancellationToken cancellationToken) =>
        client.ChangeDevicesAsync(vm.Ref, vm.ChangeVersion, changes, progress, operation, answerQuestion: null, cancellationToken);

    /// <summary>
    /// Changes the media of CD/DVD drives: as <see cref="ChangeDevicesAsync(VSphereClient, LocatedVm, IReadOnlyList{VirtualDeviceConfigSpec}, IProgress{ProgressNotificationValue}, string, CancellationToken)"/>,
    /// but when the guest has locked a drive's tray, the question vSphere asks is answered Yes (override the lock):
    /// taking the media out is what the caller asked for. Any other question ends the call.
    /// </summary>
    public static Task<IReadOnlyList<VirtualDevice>> ChangeMediaAsync(this VSphereClient client, LocatedVm vm,
        IReadOnlyList<VirtualDeviceConfigSpec> changes, IProgress<ProgressNotificationValue> progress, string operation,
        CancellationToken cancellationToken) =>
        client.ChangeDevicesAsync(vm.Ref, vm.ChangeVersion, changes, progress, operation, OverrideCdromLock, cancellationToken);

    private static string? OverrideCdromLock(VirtualMachineQuestion question) =>
        question.Is(VirtualMachineQuestion.CdromLockedMessageId) ? question.ChoiceLabelled("Yes") : null;
}
