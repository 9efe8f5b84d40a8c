using System.Diagnostics;
using System.Globalization;

namespace McVSphere.VSphere.Vim;

/// <summary>Typed calls of guest operations (GuestOperationsManager and its process manager).</summary>
public static class GuestMethods
{
    private static readonly TimeSpan FirstPollDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastPollDelay = TimeSpan.FromSeconds(1);

    /// <summary>Starts a program in the guest (StartProgramInGuest) and returns its process id.</summary>
    /// <exception cref="VimFaultException">GuestOperationsUnavailable (no running Tools), InvalidGuestLogin...</exception>
    public static async Task<long> StartProgramInGuestAsync(this VSphereClient client, ManagedObjectReference vm, GuestAuthentication auth,
        GuestProgramSpec spec, CancellationToken cancellationToken = default)
    {
        var processManager = await GetGuestManagerAsync(client, "processManager", cancellationToken).ConfigureAwait(false);
        var pid = await client.InvokeAsync("StartProgramInGuest", processManager,
            [new VimArgument("vm", vm), new VimArgument("auth", auth), new VimArgument("spec", spec)], cancellationToken).ConfigureAwait(false);
        return pid?.AsInt64() ?? throw new VSphereException("StartProgramInGuest returned no process id.");
    }

    /// <summary>
    /// Lists processes in the guest (ListProcessesInGuest): those given by <paramref name="pids"/>, or all. Programs
    /// started through guest operations stay listed for a few minutes after they end, with their exit code.
    /// </summary>
    public static async Task<IReadOnlyList<GuestProcessInfo>> ListProcessesInGuestAsync(this VSphereClient client, ManagedObjectReference vm,
        GuestAuthentication auth, IReadOnlyList<long>? pids = null, CancellationToken cancellationToken = default)
    {
        var processManager = await GetGuestManagerAsync(client, "processManager", cancellationToken).ConfigureAwait(false);
        return await ListProcessesAsync(client, processManager, vm, auth, pids, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits for a program started with StartProgramInGuest to end, by listing it (ListProcessesInGuest) until it has
    /// an end time: a guest process has no task or property to wait on. The polls back off from 100 ms to 1 s.
    /// Returns the process as last listed: ended, or still running when <paramref name="timeout"/> passed.
    /// </summary>
    /// <exception cref="VSphereException">The guest does not list the process (it ended long ago, or the guest restarted).</exception>
    public static async Task<GuestProcessInfo> WaitForGuestProcessAsync(this VSphereClient client, ManagedObjectReference vm,
        GuestAuthentication auth, long pid, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var processManager = await GetGuestManagerAsync(client, "processManager", cancellationToken).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        var delay = FirstPollDelay;
        while (true)
        {
            var listed = await ListProcessesAsync(client, processManager, vm, auth, [pid], cancellationToken).ConfigureAwait(false);
            var process = listed.FirstOrDefault(candidate => candidate.Pid == pid)
                ?? throw new VSphereException($"The guest does not list process {pid}: it ended too long ago, or the guest restarted.");
            var left = timeout - Stopwatch.GetElapsedTime(started);
            if (process.HasEnded || left <= TimeSpan.Zero)
            {
                return process;
            }
            await Task.Delay(delay < left ? delay : left, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LastPollDelay.Ticks));
        }
    }

    /// <summary>One of the GuestOperationsManager's managers: <c>processManager</c>, <c>fileManager</c>, <c>authManager</c>...</summary>
    public static async Task<ManagedObjectReference> GetGuestManagerAsync(this VSphereClient client, string manager, CancellationToken cancellationToken = default)
    {
        var serviceContent = await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var guestOperations = serviceContent.GuestOperationsManager ?? throw VimFaults.NotSupported("guest operations", "GuestOperationsManager");
        var content = await client.Properties.RetrieveAsync(guestOperations, [manager], cancellationToken).ConfigureAwait(false);
        return content.GetReference(manager) ?? throw VimFaults.NotSupported("guest operations", $"GuestOperationsManager.{manager}");
    }

    private static async Task<IReadOnlyList<GuestProcessInfo>> ListProcessesAsync(VSphereClient client, ManagedObjectReference processManager,
        ManagedObjectReference vm, GuestAuthentication auth, IReadOnlyList<long>? pids, CancellationToken cancellationToken)
    {
        var pidValues = pids?.Select(pid => (VimValue)new VimPrimitive("long", pid.ToString(CultureInfo.InvariantCulture))).ToArray();
        var processes = await client.InvokeAsync("ListProcessesInGuest", processManager,
            [new VimArgument("vm", vm), new VimArgument("auth", auth), new VimArgument("pids", pidValues is null ? null : new VimArray(null, pidValues))],
            cancellationToken).ConfigureAwait(false);
        return processes?.AsArray().OfType<VimObject>().Select(GuestProcessInfo.From).ToArray() ?? [];
    }
}
