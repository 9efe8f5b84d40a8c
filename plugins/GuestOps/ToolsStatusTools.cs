using System.ComponentModel;
using System.Diagnostics;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Security;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.GuestOps;

/// <summary>VMware Tools in the guest: its state, and waiting for it to run (after a boot, before guest operations).</summary>
[McpServerToolType]
public sealed class ToolsStatusTools(GuestOperations guest)
{
    private const string RunningStatusPath = "guest.toolsRunningStatus";
    private const string Running = "guestToolsRunning";
    private const int MaxWaitSeconds = 3600;

    private static readonly string[] StatusPaths =
    [
        "runtime.powerState", "guest.toolsStatus", RunningStatusPath, "guest.toolsVersionStatus2", "guest.toolsVersion",
        "guest.guestState", "guest.guestOperationsReady", "guest.ipAddress", "guest.hostName", "guest.guestFullName",
    ];

    [McpServerTool(Name = "get_vm_tools_status", UseStructuredContent = true)]
    [Description("VMware Tools in a VM's guest: whether it is installed and running, its version and whether that is current, the " +
        "guest's state, and whether guest operations (run_command_in_guest, files) can be used now.")]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<VmToolsStatus> GetVmToolsStatus(
        [Description(GuestDescriptions.Vm)] string name,
        CancellationToken cancellationToken)
    {
        var vm = await guest.FindVmAsync(name, cancellationToken);
        return await ReadStatusAsync(vm, cancellationToken);
    }

    [McpServerTool(Name = "wait_for_vm_tools", UseStructuredContent = true)]
    [Description("Waits until VMware Tools runs in a VM's guest (e.g. after power_on or a reboot), up to timeout seconds, and returns " +
        "the Tools status with ready=true, or ready=false when the time ran out. The wait follows vCenter's change notifications, so it " +
        "returns as soon as Tools start.")]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<ToolsWait> WaitForVmTools(
        [Description(GuestDescriptions.Vm)] string name,
        [Description("How long to wait, in seconds (1-3600, default 120).")] int timeout = 120,
        [Description("Accepted for compatibility and ignored: the wait is notified of the change rather than polling.")] int? poll_interval = null,
        CancellationToken cancellationToken = default)
    {
        if (timeout is < 1 or > MaxWaitSeconds)
        {
            throw ToolException.InvalidArgument(nameof(timeout), $"timeout must be between 1 and {MaxWaitSeconds} seconds; got {timeout}.");
        }
        var vm = await guest.FindVmAsync(name, cancellationToken);
        var powerState = (await guest.Client.Properties.RetrieveAsync(vm.Ref, ["runtime.powerState"], cancellationToken)).GetString("runtime.powerState");
        if (powerState != "poweredOn")
        {
            throw ToolException.Refused($"'{vm.Name}' is {powerState}: VMware Tools runs only in a powered-on VM. power_on starts it.", nameof(name));
        }
        var started = Stopwatch.GetTimestamp();
        var wait = await guest.Client.WaitForPropertyAsync(vm.Ref, RunningStatusPath, value => value?.AsString() == Running,
            TimeSpan.FromSeconds(timeout), cancellationToken);
        var waited = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var status = await ReadStatusAsync(vm, cancellationToken);
        return new ToolsWait(status, wait.Matched, Math.Round(waited, 3), wait.Matched
            ? $"VMware Tools is running in '{vm.Name}'."
            : $"VMware Tools did not start in '{vm.Name}' within {timeout} s (running status: {status.ToolsRunningStatus ?? "unknown"}, " +
              $"Tools status: {status.ToolsStatus ?? "unknown"}). Check that Tools are installed and that the guest has booted.");
    }

    private async Task<VmToolsStatus> ReadStatusAsync(InventoryObject vm, CancellationToken cancellationToken)
    {
        var content = await guest.Client.Properties.RetrieveAsync(vm.Ref, StatusPaths, cancellationToken);
        var powerState = content.GetString("runtime.powerState");
        var runningStatus = content.GetString(RunningStatusPath);
        var guestOperationsReady = content.GetBoolean("guest.guestOperationsReady") ?? (powerState == "poweredOn" && runningStatus == Running);
        return new VmToolsStatus(vm.Name, powerState, content.GetString("guest.toolsStatus"), runningStatus,
            content.GetString("guest.toolsVersionStatus2"), content.GetString("guest.toolsVersion"), content.GetString("guest.guestState"),
            guestOperationsReady, content.GetString("guest.ipAddress"), content.GetString("guest.hostName"), content.GetString("guest.guestFullName"));
    }
}

/// <summary>The result of get_vm_tools_status: vSphere's own values.</summary>
/// <param name="ToolsStatus"><c>toolsOk</c>, <c>toolsOld</c>, <c>toolsNotRunning</c> or <c>toolsNotInstalled</c>.</param>
/// <param name="ToolsRunningStatus"><c>guestToolsRunning</c>, <c>guestToolsNotRunning</c> or <c>guestToolsExecutingScripts</c>.</param>
/// <param name="ToolsVersionStatus"><c>guestToolsCurrent</c>, <c>guestToolsNeedUpgrade</c>, <c>guestToolsNotInstalled</c>...</param>
/// <param name="GuestOperationsReady">Whether guest operations can be used now (vSphere's flag; else: powered on with Tools running).</param>
/// <param name="IpAddress">The guest's primary IP address, as Tools report it.</param>
/// <param name="Hostname">The guest's host name, as Tools report it.</param>
/// <param name="GuestOs">The guest OS's full name, as Tools report it.</param>
public sealed record VmToolsStatus(
    string Name,
    string? PowerState,
    string? ToolsStatus,
    string? ToolsRunningStatus,
    string? ToolsVersionStatus,
    string? ToolsVersion,
    string? GuestState,
    bool GuestOperationsReady,
    string? IpAddress,
    string? Hostname,
    string? GuestOs);

/// <summary>The result of wait_for_vm_tools.</summary>
/// <param name="Ready">Tools came up within the time given.</param>
/// <param name="WaitedSeconds">How long the wait lasted.</param>
public sealed record ToolsWait(VmToolsStatus Status, bool Ready, double WaitedSeconds, string Message)
{
    /// <summary>The wait ran out before Tools came up (the original's field).</summary>
    public bool Timeout => !Ready;
}
