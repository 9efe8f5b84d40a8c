using System.ComponentModel;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Progress;
using McVSphere.Sdk.Safety;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere.Tasks;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.HostAdmin;

[McpServerToolType]
public sealed class PowerTools(IVSphereSession session)
{
    private const string ForceDescription =
        "Go ahead although the host is not in maintenance mode: its running VMs go down with it. Default false.";

    [McpServerTool(Name = "reboot_host", Destructive = true, UseStructuredContent = true), Description("Reboots an ESXi host, reporting progress. Refused unless the host is in maintenance mode (enter_maintenance_mode) or force is true. Through vCenter, waits for the task (status completed) and reads the host back; the host stops responding to vCenter until it is back up. Connected to the ESXi host itself, returns once the host has accepted the reboot (status initiated): it goes down with this server's connection, which comes back (a new session) when the host is up.")]
    [RequiresPermission(PermissionLevel.HostAdmin)]
    [Change("reboot host {host_name}, stopping every VM still running on it", DestroysWhen = "force")]
    public Task<HostPowerChange> RebootHost(
        IProgress<ProgressNotificationValue> progress,
        [Description(ForceDescription)] bool force = false,
        [Description(HostArguments.HostName)] string? host_name = null,
        CancellationToken cancellationToken = default) =>
        RunAsync("reboot", "Rebooting", force, host_name, progress,
            (host, taskProgress) => session.Client.RebootHostAsync(host, force, taskProgress, cancellationToken), cancellationToken);

    [McpServerTool(Name = "shutdown_host", Destructive = true, UseStructuredContent = true), Description("Shuts an ESXi host down, reporting progress; it stays off until powered on out of band (e.g. through its BMC). Refused unless the host is in maintenance mode (enter_maintenance_mode) or force is true. Through vCenter, waits for the task (status completed); connected to the ESXi host itself, returns once the host has accepted it (status initiated), after which the server cannot reach it.")]
    [RequiresPermission(PermissionLevel.HostAdmin)]
    [Change("shut down host {host_name}, stopping every VM still running on it", DestroysWhen = "force")]
    public Task<HostPowerChange> ShutdownHost(
        IProgress<ProgressNotificationValue> progress,
        [Description(ForceDescription)] bool force = false,
        [Description(HostArguments.HostName)] string? host_name = null,
        CancellationToken cancellationToken = default) =>
        RunAsync("shutdown", "Shutting down", force, host_name, progress,
            (host, taskProgress) => session.Client.ShutdownHostAsync(host, force, taskProgress, cancellationToken), cancellationToken);

    private async Task<HostPowerChange> RunAsync(string operation, string inProgress, bool force, string? hostName, IProgress<ProgressNotificationValue> progress,
        Func<ManagedObjectReference, IProgress<VSphereTaskProgress>, Task<HostPowerTask>> run, CancellationToken cancellationToken)
    {
        var host = await session.ResolveHostAsync(hostName, cancellationToken);
        var before = await HostRuntime.ReadAsync(session.Client, host, cancellationToken);
        if (!before.InMaintenanceMode && !force)
        {
            throw ToolException.Refused(
                $"Refusing to {operation} host '{host.Name}': it is not in maintenance mode, and {before.VmCount} VMs are registered on it " +
                $"(running ones would go down with it). Put it in maintenance mode first (enter_maintenance_mode), or pass force=true to {operation} it anyway.",
                "force");
        }
        var task = await run(host.Ref, progress.ForVSphereTask($"{inProgress} {host.Name}"));
        var after = task.Completed ? await HostRuntime.ReadAsync(session.Client, host, cancellationToken) : null;
        return new HostPowerChange(host.Name, operation, force, task.Completed ? "completed" : "initiated", task.Task.Value, before, after);
    }
}

/// <summary>The result of reboot_host and shutdown_host: the host's state before and after, both read from it.</summary>
/// <param name="Host">The host.</param>
/// <param name="Operation">reboot or shutdown.</param>
/// <param name="Forced">Whether force was given.</param>
/// <param name="Status">completed (through vCenter: the task ended) or initiated (ESXi directly: the host accepted it and goes down).</param>
/// <param name="Task">The vSphere task's id.</param>
/// <param name="Before">Its state before.</param>
/// <param name="After">
/// Its state right after a completed task (a rebooting host may show notResponding, then a new boot time once back);
/// none when only initiated, as the host is going down.
/// </param>
public sealed record HostPowerChange(string Host, string Operation, bool Forced, string Status, string Task, HostRuntime Before, HostRuntime? After);
