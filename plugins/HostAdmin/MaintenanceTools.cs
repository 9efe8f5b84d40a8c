using System.ComponentModel;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Progress;
using McVSphere.Sdk.Safety;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.HostAdmin;

[McpServerToolType]
public sealed class MaintenanceTools(IVSphereSession session)
{
    private const int DefaultTimeoutSeconds = 300;
    private const int MaxTimeoutSeconds = 86_400;
    private const string TimeoutDescription =
        "How long vCenter may take before the task fails with a Timeout fault, in seconds (1 to 86400; default 300).";

    // vCenter fails the task with a Timeout fault after timeout_seconds; the wait lasts a little longer to receive it.
    private static readonly TimeSpan FaultGrace = TimeSpan.FromSeconds(30);

    [McpServerTool(Name = "enter_maintenance_mode", Idempotent = true, UseStructuredContent = true), Description("Puts an ESXi host in maintenance mode, as before patching or hardware work, reporting progress. The host gets there once its running VMs are migrated (DRS) or powered off, else the task fails after timeout_seconds. A host already in maintenance mode is left as it is.")]
    [RequiresPermission(PermissionLevel.HostAdmin)]
    [Change("put host {host_name} in maintenance mode")]
    public async Task<MaintenanceModeChange> EnterMaintenanceMode(
        IProgress<ProgressNotificationValue> progress,
        [Description("Also move powered-off and suspended VMs to other hosts (evacuatePoweredOffVms; vCenter with DRS only, elsewhere the task waits until they are moved by hand). Default true, as in the original mcvsphere; false leaves them registered on the host.")]
        bool evacuate_vms = true,
        [Description(TimeoutDescription)] int timeout_seconds = DefaultTimeoutSeconds,
        [Description(HostArguments.HostName)] string? host_name = null,
        CancellationToken cancellationToken = default)
    {
        RequireTimeout(timeout_seconds);
        var host = await session.ResolveHostAsync(host_name, cancellationToken);
        var before = await HostRuntime.ReadAsync(session.Client, host, cancellationToken);
        if (!before.InMaintenanceMode)
        {
            await session.Client.EnterMaintenanceModeAsync(host.Ref, timeout_seconds, evacuate_vms,
                progress.ForVSphereTask($"Entering maintenance mode on {host.Name}"), WaitFor(timeout_seconds), cancellationToken);
        }
        var after = await HostRuntime.ReadAsync(session.Client, host, cancellationToken);
        return new MaintenanceModeChange(host.Name, before.InMaintenanceMode, after.InMaintenanceMode, after.VmCount);
    }

    [McpServerTool(Name = "exit_maintenance_mode", Idempotent = true, UseStructuredContent = true), Description("Takes an ESXi host out of maintenance mode, so that VMs can run on it again, reporting progress. A host not in maintenance mode is left as it is.")]
    [RequiresPermission(PermissionLevel.HostAdmin)]
    [Change("take host {host_name} out of maintenance mode")]
    public async Task<MaintenanceModeChange> ExitMaintenanceMode(
        IProgress<ProgressNotificationValue> progress,
        [Description(TimeoutDescription)] int timeout_seconds = DefaultTimeoutSeconds,
        [Description(HostArguments.HostName)] string? host_name = null,
        CancellationToken cancellationToken = default)
    {
        RequireTimeout(timeout_seconds);
        var host = await session.ResolveHostAsync(host_name, cancellationToken);
        var before = await HostRuntime.ReadAsync(session.Client, host, cancellationToken);
        if (before.InMaintenanceMode)
        {
            await session.Client.ExitMaintenanceModeAsync(host.Ref, timeout_seconds,
                progress.ForVSphereTask($"Exiting maintenance mode on {host.Name}"), WaitFor(timeout_seconds), cancellationToken);
        }
        var after = await HostRuntime.ReadAsync(session.Client, host, cancellationToken);
        return new MaintenanceModeChange(host.Name, before.InMaintenanceMode, after.InMaintenanceMode, after.VmCount);
    }

    private static void RequireTimeout(int timeoutSeconds)
    {
        if (timeoutSeconds is < 1 or > MaxTimeoutSeconds)
        {
            throw ToolException.InvalidArgument("timeout_seconds",
                $"timeout_seconds is {timeoutSeconds}; give between 1 and {MaxTimeoutSeconds} seconds (default {DefaultTimeoutSeconds}).");
        }
    }

    private static TimeSpan WaitFor(int timeoutSeconds) => TimeSpan.FromSeconds(timeoutSeconds) + FaultGrace;
}

/// <summary>The result of enter_maintenance_mode and exit_maintenance_mode, read back from the host.</summary>
/// <param name="Host">The host.</param>
/// <param name="WasInMaintenanceMode">Whether it was in maintenance mode before the call.</param>
/// <param name="InMaintenanceMode">Whether it is in maintenance mode now.</param>
/// <param name="VmCount">The VMs still registered on it (powered-off ones stay unless evacuated).</param>
public sealed record MaintenanceModeChange(string Host, bool WasInMaintenanceMode, bool InMaintenanceMode, int VmCount)
{
    /// <summary>Whether the call changed the host's mode.</summary>
    public bool Changed => WasInMaintenanceMode != InMaintenanceMode;
}
