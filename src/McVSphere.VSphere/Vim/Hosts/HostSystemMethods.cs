using McVSphere.VSphere.Tasks;

namespace McVSphere.VSphere.Vim;

/// <summary>The managers of an ESXi host that host administration uses (<c>HostSystem.configManager</c>); null where the
/// server has none (a disconnected host has no configuration managers).</summary>
/// <param name="ServiceSystem">The HostServiceSystem: services such as ntpd and SSH.</param>
/// <param name="DateTimeSystem">The HostDateTimeSystem: time zone and NTP.</param>
public sealed record HostConfigManager(ManagedObjectReference? ServiceSystem, ManagedObjectReference? DateTimeSystem)
{
    /// <summary>The host properties it is read from.</summary>
    public static IReadOnlyList<string> PropertyPaths { get; } = ["configManager.serviceSystem", "configManager.dateTimeSystem"];
}

/// <summary>
/// Typed calls of HostSystem methods (maintenance mode, reboot, shutdown) and of the host's HostServiceSystem and
/// HostDateTimeSystem. The <c>*_Task</c> ones wait for the task (reboot and shutdown only through vCenter), report its
/// progress, cancel it when the token fires, and throw its fault (<see cref="VimFaultException"/>).
/// </summary>
public static class HostSystemMethods
{
    /// <summary>Reads a host's service and date/time managers, in one read.</summary>
    public static async Task<HostConfigManager> GetConfigManagerAsync(this VSphereClient client, ManagedObjectReference host,
        CancellationToken cancellationToken = default)
    {
        var content = await client.Properties.RetrieveAsync(host, HostConfigManager.PropertyPaths, cancellationToken).ConfigureAwait(false);
        return new HostConfigManager(content.GetReference("configManager.serviceSystem"), content.GetReference("configManager.dateTimeSystem"));
    }

    /// <summary>Reads the services of a HostServiceSystem (<c>serviceInfo</c>).</summary>
    public static async Task<IReadOnlyList<HostService>> GetServicesAsync(this VSphereClient client, ManagedObjectReference serviceSystem,
        CancellationToken cancellationToken = default)
    {
        var content = await client.Properties.RetrieveAsync(serviceSystem, ["serviceInfo"], cancellationToken).ConfigureAwait(false);
        return HostService.ListFrom(content["serviceInfo"]);
    }

    /// <summary>Starts a host service (StartService); starting a running service is not an error (ESXi 5.0 and later).</summary>
    /// <exception cref="VimFaultException">NotFound: no service has that id.</exception>
    public static Task StartServiceAsync(this VSphereClient client, ManagedObjectReference serviceSystem, string id,
        CancellationToken cancellationToken = default) =>
        client.InvokeAsync("StartService", serviceSystem, [new VimArgument("id", id)], cancellationToken);

    /// <summary>Stops a host service (StopService).</summary>
    /// <exception cref="VimFaultException">NotFound: no service has that id.</exception>
    public static Task StopServiceAsync(this VSphereClient client, ManagedObjectReference serviceSystem, string id,
        CancellationToken cancellationToken = default) =>
        client.InvokeAsync("StopService", serviceSystem, [new VimArgument("id", id)], cancellationToken);

    /// <summary>Restarts a host service (RestartService).</summary>
    /// <exception cref="VimFaultException">NotFound: no service has that id.</exception>
    public static Task RestartServiceAsync(this VSphereClient client, ManagedObjectReference serviceSystem, string id,
        CancellationToken cancellationToken = default) =>
        client.InvokeAsync("RestartService", serviceSystem, [new VimArgument("id", id)], cancellationToken);

    /// <summary>Sets when a host service starts (UpdateServicePolicy); its running state does not change.</summary>
    /// <exception cref="VimFaultException">NotFound: no service has that id; InvalidArgument: the service or policy is refused.</exception>
    public static Task UpdateServicePolicyAsync(this VSphereClient client, ManagedObjectReference serviceSystem, string id, HostServicePolicy policy,
        CancellationToken cancellationToken = default)
    {
        if (policy == HostServicePolicy.Unknown)
        {
            throw new ArgumentOutOfRangeException(nameof(policy), policy, "Give a defined policy: On, Off or Automatic.");
        }
        return client.InvokeAsync("UpdateServicePolicy", serviceSystem,
            [new VimArgument("id", id), new VimArgument("policy", HostService.ToWire(policy))], cancellationToken);
    }

    /// <summary>Reads the time settings of a HostDateTimeSystem (<c>dateTimeInfo</c>).</summary>
    public static async Task<HostDateTimeInfo> GetDateTimeInfoAsync(this VSphereClient client, ManagedObjectReference dateTimeSystem,
        CancellationToken cancellationToken = default)
    {
        var content = await client.Properties.RetrieveAsync(dateTimeSystem, ["dateTimeInfo"], cancellationToken).ConfigureAwait(false);
        return HostDateTimeInfo.From(content["dateTimeInfo"]);
    }

    /// <summary>Changes a host's time zone or NTP settings (UpdateDateTimeConfig).</summary>
    /// <exception cref="VimFaultException">HostConfigFault: the host refused the settings (an invalid server or time zone).</exception>
    public static Task UpdateDateTimeConfigAsync(this VSphereClient client, ManagedObjectReference dateTimeSystem, HostDateTimeConfig config,
        CancellationToken cancellationToken = default) =>
        client.InvokeAsync("UpdateDateTimeConfig", dateTimeSystem, [new VimArgument("config", config)], cancellationToken);

    /// <summary>
    /// Puts a host in maintenance mode (EnterMaintenanceMode_Task). The task ends when the host is in maintenance mode,
    /// which needs its running VMs migrated (DRS) or powered off, or fails with Timeout after <paramref name="timeoutSeconds"/>.
    /// </summary>
    /// <param name="client">The client.</param>
    /// <param name="host">The host.</param>
    /// <param name="timeoutSeconds">How long vCenter tries before failing the task (0: no limit).</param>
    /// <param name="evacuatePoweredOffVms">Also move powered-off and suspended VMs off the host (vCenter, DRS clusters).</param>
    /// <param name="progress">Receives the task's progress.</param>
    /// <param name="waitTimeout">How long to wait for the task (default: the client's task timeout).</param>
    /// <param name="cancellationToken">Cancels the wait and the task.</param>
    public static Task EnterMaintenanceModeAsync(this VSphereClient client, ManagedObjectReference host, int timeoutSeconds,
        bool? evacuatePoweredOffVms = null, IProgress<VSphereTaskProgress>? progress = null, TimeSpan? waitTimeout = null,
        CancellationToken cancellationToken = default) =>
        client.InvokeTaskAsync("EnterMaintenanceMode_Task", host,
            [new VimArgument("timeout", timeoutSeconds), new VimArgument("evacuatePoweredOffVms", evacuatePoweredOffVms)],
            progress, waitTimeout, cancellationToken);

    /// <summary>Takes a host out of maintenance mode (ExitMaintenanceMode_Task), failing with Timeout after <paramref name="timeoutSeconds"/> (0: no limit).</summary>
    public static Task ExitMaintenanceModeAsync(this VSphereClient client, ManagedObjectReference host, int timeoutSeconds,
        IProgress<VSphereTaskProgress>? progress = null, TimeSpan? waitTimeout = null, CancellationToken cancellationToken = default) =>
        client.InvokeTaskAsync("ExitMaintenanceMode_Task", host, [new VimArgument("timeout", timeoutSeconds)], progress, waitTimeout, cancellationToken);

    /// <summary>
    /// Reboots a host (RebootHost_Task); without <paramref name="force"/>, only a host in maintenance mode (else InvalidState).
    /// Waits for the task through vCenter; connected to the ESXi host itself, returns once it has accepted the task (see
    /// <see cref="HostPowerTask"/>).
    /// </summary>
    public static Task<HostPowerTask> RebootHostAsync(this VSphereClient client, ManagedObjectReference host, bool force,
        IProgress<VSphereTaskProgress>? progress = null, CancellationToken cancellationToken = default) =>
        client.RunHostPowerTaskAsync("RebootHost_Task", host, force, progress, cancellationToken);

    /// <summary>
    /// Shuts a host down (ShutdownHost_Task); without <paramref name="force"/>, only a host in maintenance mode (else InvalidState).
    /// Waits as <see cref="RebootHostAsync"/> does.
    /// </summary>
    public static Task<HostPowerTask> ShutdownHostAsync(this VSphereClient client, ManagedObjectReference host, bool force,
        IProgress<VSphereTaskProgress>? progress = null, CancellationToken cancellationToken = default) =>
        client.RunHostPowerTaskAsync("ShutdownHost_Task", host, force, progress, cancellationToken);

    private static async Task<HostPowerTask> RunHostPowerTaskAsync(this VSphereClient client, string method, ManagedObjectReference host,
        bool force, IProgress<VSphereTaskProgress>? progress, CancellationToken cancellationToken)
    {
        var content = await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var task = await client.StartTaskAsync(method, host, [new VimArgument("force", force)], cancellationToken).ConfigureAwait(false);
        if (content.About.IsHostAgent)
        {
            return new HostPowerTask(task, Completed: false);
        }
        await client.WaitForTaskAsync(task, progress, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new HostPowerTask(task, Completed: true);
    }
}

/// <summary>
/// A reboot or shutdown the host was given. Through vCenter the task has completed. Connected to the ESXi host itself
/// (<see cref="AboutInfo.IsHostAgent"/>) it has only been accepted: the server this client talks to is the host going
/// down, which drops the connection and, after a reboot, the session and its tasks, so the task's end cannot be seen.
/// </summary>
/// <param name="Task">The RebootHost_Task or ShutdownHost_Task task.</param>
/// <param name="Completed">Whether the task was waited for to its end (through vCenter), not only accepted (ESXi directly).</param>
public sealed record HostPowerTask(ManagedObjectReference Task, bool Completed);
