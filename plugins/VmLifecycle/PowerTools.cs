using System.ComponentModel;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Progress;
using McVSphere.Sdk.Safety;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.VmLifecycle;

/// <summary>
/// Power operations. Each reads the VM's power state first: a VM already in the asked state is reported as such
/// (not as an error), and an operation its state does not allow is refused with what to do instead.
/// </summary>
[McpServerToolType]
public sealed class PowerTools(IVSphereSession session)
{
    private const string VmDescription = "Name or inventory path of the VM.";

    [McpServerTool(Name = "power_on", Idempotent = true, UseStructuredContent = true)]
    [Description("Powers a VM on; a suspended VM resumes. Says so when the VM is already on. Waits for vSphere's task and reports its progress.")]
    [RequiresPermission(PermissionLevel.PowerOps)]
    [Change("power on VM '{name}'")]
    public async Task<PowerResult> PowerOn(
        [Description(VmDescription)] string name,
        IProgress<ProgressNotificationValue> progress,
        CancellationToken cancellationToken)
    {
        var vm = await FindVmAsync(name, cancellationToken);
        if (vm.IsPoweredOn)
        {
            return Already(vm, "powered on");
        }
        await session.Client.PowerOnVmAsync(vm.Ref, progress: progress.ForVSphereTask($"Powering on {vm.Name}"), cancellationToken: cancellationToken);
        return await ReadBackAsync(vm, $"Powered on '{vm.Name}'.", cancellationToken);
    }

    [McpServerTool(Name = "power_off", Destructive = true, Idempotent = true, UseStructuredContent = true)]
    [Description("Powers a VM off at once, like pulling the plug (the guest OS is not asked; shutdown_guest is the clean way). Says so when the VM is already off.")]
    [RequiresPermission(PermissionLevel.PowerOps)]
    [Change("power off VM '{name}' at once, without shutting down its guest OS")]
    public async Task<PowerResult> PowerOff(
        [Description(VmDescription)] string name,
        IProgress<ProgressNotificationValue> progress,
        CancellationToken cancellationToken)
    {
        var vm = await FindVmAsync(name, cancellationToken);
        if (vm.PowerState == PowerStates.PoweredOff)
        {
            return Already(vm, "powered off");
        }
        await session.Client.PowerOffVmAsync(vm.Ref, progress.ForVSphereTask($"Powering off {vm.Name}"), cancellationToken);
        return await ReadBackAsync(vm, $"Powered off '{vm.Name}'.", cancellationToken);
    }

    [McpServerTool(Name = "shutdown_guest", Idempotent = true, UseStructuredContent = true)]
    [Description("Asks the guest OS to shut down cleanly, through VMware Tools (which must be running). Returns once the request is made: " +
        "the VM powers off when the guest is done. Says so when the VM is already off.")]
    [RequiresPermission(PermissionLevel.PowerOps)]
    [Change("shut down the guest OS of VM '{name}'")]
    public async Task<PowerResult> ShutdownGuest(
        [Description(VmDescription)] string name,
        CancellationToken cancellationToken)
    {
        var vm = await FindVmAsync(name, cancellationToken);
        if (vm.PowerState == PowerStates.PoweredOff)
        {
            return Already(vm, "powered off");
        }
        RequirePoweredOn(vm, "only a running guest can shut down; power_off turns a suspended VM off");
        await session.Client.ShutdownGuestAsync(vm.Ref, cancellationToken);
        return await ReadBackAsync(vm, $"Asked the guest OS of '{vm.Name}' to shut down.", cancellationToken);
    }

    [McpServerTool(Name = "reboot_guest", UseStructuredContent = true)]
    [Description("Asks the guest OS to restart cleanly, through VMware Tools (which must be running). Returns once the request is made. " +
        "reset_vm restarts a VM whose guest does not respond.")]
    [RequiresPermission(PermissionLevel.PowerOps)]
    [Change("restart the guest OS of VM '{name}'")]
    public async Task<PowerResult> RebootGuest(
        [Description(VmDescription)] string name,
        CancellationToken cancellationToken)
    {
        var vm = await FindVmAsync(name, cancellationToken);
        RequirePoweredOn(vm, "only a running guest can restart; power_on starts the VM");
        await session.Client.RebootGuestAsync(vm.Ref, cancellationToken);
        return await ReadBackAsync(vm, $"Asked the guest OS of '{vm.Name}' to restart.", cancellationToken);
    }

    [McpServerTool(Name = "reset_vm", Destructive = true, UseStructuredContent = true)]
    [Description("Resets a running VM at once, like pressing its reset button (the guest OS is not asked; reboot_guest is the clean way). " +
        "Waits for vSphere's task and reports its progress.")]
    [RequiresPermission(PermissionLevel.PowerOps)]
    [Change("reset VM '{name}' at once, without shutting down its guest OS")]
    public async Task<PowerResult> ResetVm(
        [Description(VmDescription)] string name,
        IProgress<ProgressNotificationValue> progress,
        CancellationToken cancellationToken)
    {
        var vm = await FindVmAsync(name, cancellationToken);
        RequirePoweredOn(vm, "only a running VM can be reset; power_on starts it");
        await session.Client.ResetVmAsync(vm.Ref, progress.ForVSphereTask($"Resetting {vm.Name}"), cancellationToken);
        return await ReadBackAsync(vm, $"Reset '{vm.Name}'.", cancellationToken);
    }

    [McpServerTool(Name = "suspend_vm", Idempotent = true, UseStructuredContent = true)]
    [Description("Suspends a running VM, saving its memory to disk; power_on resumes it. Says so when the VM is already suspended. " +
        "Waits for vSphere's task and reports its progress.")]
    [RequiresPermission(PermissionLevel.PowerOps)]
    [Change("suspend VM '{name}'")]
    public async Task<PowerResult> SuspendVm(
        [Description(VmDescription)] string name,
        IProgress<ProgressNotificationValue> progress,
        CancellationToken cancellationToken)
    {
        var vm = await FindVmAsync(name, cancellationToken);
        if (vm.PowerState == PowerStates.Suspended)
        {
            return Already(vm, "suspended");
        }
        RequirePoweredOn(vm, "only a running VM can be suspended");
        await session.Client.SuspendVmAsync(vm.Ref, progress.ForVSphereTask($"Suspending {vm.Name}"), cancellationToken);
        return await ReadBackAsync(vm, $"Suspended '{vm.Name}'.", cancellationToken);
    }

    [McpServerTool(Name = "standby_guest", Idempotent = true, UseStructuredContent = true)]
    [Description("Asks the guest OS to go to standby (sleep), through VMware Tools (which must be running); vSphere then reports the VM suspended. " +
        "Says so when the VM is already suspended.")]
    [RequiresPermission(PermissionLevel.PowerOps)]
    [Change("put the guest OS of VM '{name}' in standby")]
    public async Task<PowerResult> StandbyGuest(
        [Description(VmDescription)] string name,
        CancellationToken cancellationToken)
    {
        var vm = await FindVmAsync(name, cancellationToken);
        if (vm.PowerState == PowerStates.Suspended)
        {
            return Already(vm, "suspended");
        }
        RequirePoweredOn(vm, "only a running guest can go to standby; power_on starts the VM");
        await session.Client.StandbyGuestAsync(vm.Ref, cancellationToken);
        return await ReadBackAsync(vm, $"Asked the guest OS of '{vm.Name}' to go to standby.", cancellationToken);
    }

    private async Task<LocatedVm> FindVmAsync(string name, CancellationToken cancellationToken) =>
        (await session.Client.FindVmAsync(name, nameof(name), VmReads.State, cancellationToken)).RequireNotTemplate(nameof(name));

    private async Task<PowerResult> ReadBackAsync(LocatedVm vm, string message, CancellationToken cancellationToken)
    {
        var content = await session.Client.Properties.RetrieveAsync(vm.Ref, ["runtime.powerState"], cancellationToken);
        return new PowerResult(vm.Name, content.GetString("runtime.powerState") ?? "unknown", message);
    }

    private static PowerResult Already(LocatedVm vm, string state) =>
        new(vm.Name, vm.PowerState, $"'{vm.Name}' is already {state}; nothing was changed.", AlreadyInState: true);

    /// <summary>Refuses an operation that needs a running VM, saying what to do instead.</summary>
    private static void RequirePoweredOn(LocatedVm vm, string refusal)
    {
        if (!vm.IsPoweredOn)
        {
            throw ToolException.Refused($"'{vm.Name}' is {vm.PowerState}: {refusal}.", "name");
        }
    }
}

/// <summary>The outcome of a power operation, with the power state read back from vSphere.</summary>
/// <param name="Vm">The VM's name.</param>
/// <param name="PowerState">Its power state now: <c>poweredOn</c>, <c>poweredOff</c> or <c>suspended</c>.</param>
/// <param name="Message">What was done.</param>
/// <param name="AlreadyInState">True when the VM was already in the asked state and nothing was done.</param>
public sealed record PowerResult(string Vm, string PowerState, string Message, bool AlreadyInState = false);
