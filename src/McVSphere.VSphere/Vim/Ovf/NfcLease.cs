using System.Globalization;

namespace McVSphere.VSphere.Vim;

/// <summary>
/// An HttpNfcLease (from ImportVApp or ExportVm) while its files are transferred. It waits for the lease to be
/// ready, then keeps it alive: vSphere cancels a lease that hears nothing for <see cref="HttpNfcLeaseInfo.LeaseTimeout"/>,
/// so the last <see cref="SetProgress">progress</see> is reported (HttpNfcLeaseProgress) every
/// <see cref="KeepAliveInterval"/> in the background. End it with <see cref="CompleteAsync"/> or
/// <see cref="AbortAsync"/>; disposing a lease that was neither aborts it, so that a failed import leaves no
/// half-made VM (vSphere removes the VM of an aborted import).
/// </summary>
/// <example>
/// <code>
/// await using var lease = await NfcLease.AcquireAsync(client, await client.ImportVAppAsync(pool, spec.ImportSpec!, folder, host));
/// foreach (var device in lease.Info.DeviceUrls) { /* upload, calling lease.SetProgress(percent) */ }
/// await lease.CompleteAsync();
/// </code>
/// </example>
public sealed class NfcLease : IAsyncDisposable
{
    private static readonly TimeSpan DefaultReadyTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan EndTimeout = TimeSpan.FromSeconds(30);

    private readonly VSphereClient _client;
    private readonly CancellationTokenSource _stopKeepAlive = new();
    private readonly Task _keepAlive;
    private int _percent;
    private int _ended;

    private NfcLease(VSphereClient client, ManagedObjectReference lease, HttpNfcLeaseInfo info, TimeSpan keepAliveInterval)
    {
        _client = client;
        Ref = lease;
        Info = info;
        KeepAliveInterval = keepAliveInterval;
        _keepAlive = KeepAliveAsync(_stopKeepAlive.Token);
    }

    /// <summary>The lease.</summary>
    public ManagedObjectReference Ref { get; }

    /// <summary>Its entity and transfer URLs, read once it was ready.</summary>
    public HttpNfcLeaseInfo Info { get; }

    /// <summary>How often the progress is reported while the lease is open.</summary>
    public TimeSpan KeepAliveInterval { get; }

    /// <summary>
    /// Waits until the lease is ready (state <c>initializing</c> becomes <c>ready</c>, without polling), reads its info
    /// and starts keeping it alive. A lease that fails to initialize throws its error; one that is not ready in time, or
    /// whose wait is cancelled, is aborted.
    /// </summary>
    /// <param name="client">The client that obtained the lease.</param>
    /// <param name="lease">The lease from ImportVApp or ExportVm.</param>
    /// <param name="readyTimeout">How long initialization may take (default 5 minutes).</param>
    /// <param name="keepAliveInterval">How often to report progress (default: a tenth of the lease timeout, 1 to 30 seconds).</param>
    /// <param name="cancellationToken">Cancels the wait; the lease is then aborted.</param>
    /// <exception cref="VimFaultException">The lease ended in state <c>error</c> (its fault), or did not become ready in time.</exception>
    public static async Task<NfcLease> AcquireAsync(VSphereClient client, ManagedObjectReference lease, TimeSpan? readyTimeout = null,
        TimeSpan? keepAliveInterval = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(lease);
        Tasks.TaskStartObserver.Report(lease);
        try
        {
            var wait = await client.WaitForPropertyAsync(lease, "state", state => state?.AsString() != "initializing",
                readyTimeout ?? DefaultReadyTimeout, cancellationToken).ConfigureAwait(false);
            var content = await client.Properties.RetrieveAsync(lease, ["state", "info", "error"], cancellationToken).ConfigureAwait(false);
            var state = content.GetString("state");
            if (state != "ready")
            {
                throw content.GetObject("error") is { } error
                    ? VimFaults.Create(error.GetObject("fault")?.TypeName ?? "SystemError", error.GetString("localizedMessage"), error.GetObject("fault"))
                    : new VimFaultException(VimFaultTypes.InvalidState, wait.Matched
                        ? $"InvalidState: the NFC lease {lease.Value} ended in state '{state}' before any transfer."
                        : $"InvalidState: the NFC lease {lease.Value} was not ready within {readyTimeout ?? DefaultReadyTimeout}.");
            }
            var info = HttpNfcLeaseInfo.From(content.GetObject("info") ?? throw new VSphereException($"The NFC lease {lease.Value} is ready but has no info."));
            return new NfcLease(client, lease, info, keepAliveInterval ?? DefaultKeepAlive(info.LeaseTimeout));
        }
        catch (Exception)
        {
            // Harmless when the lease already ended: the abort is then refused and ignored.
            await AbortQuietlyAsync(client, lease, "The client gave up waiting for the lease.").ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Records the transfer progress (0-100) that the keep-alive reports next.</summary>
    public void SetProgress(int percent) => Volatile.Write(ref _percent, Math.Clamp(percent, 0, 100));

    /// <summary>Ends the lease successfully (HttpNfcLeaseComplete): for an import, the VM is then usable.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        await StopKeepAliveAsync().ConfigureAwait(false);
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            await _client.InvokeAsync("HttpNfcLeaseComplete", Ref, null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Ends the lease in failure (HttpNfcLeaseAbort) with <paramref name="reason"/> as its error: for an import,
    /// vSphere removes the VM being imported. Best effort: a lease that already ended is left alone.
    /// </summary>
    public async Task AbortAsync(string reason, CancellationToken cancellationToken = default)
    {
        await StopKeepAliveAsync().ConfigureAwait(false);
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            await AbortQuietlyAsync(_client, Ref, reason, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Aborts the lease if it was neither completed nor aborted, and stops the keep-alive.</summary>
    public async ValueTask DisposeAsync()
    {
        await AbortAsync("The transfer did not finish.").ConfigureAwait(false);
        _stopKeepAlive.Dispose();
    }

    private static TimeSpan DefaultKeepAlive(TimeSpan leaseTimeout) =>
        TimeSpan.FromSeconds(Math.Clamp(leaseTimeout.TotalSeconds / 10, 1, 30));

    private async Task StopKeepAliveAsync()
    {
        if (!_stopKeepAlive.IsCancellationRequested)
        {
            await _stopKeepAlive.CancelAsync().ConfigureAwait(false);
        }
        await _keepAlive.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task KeepAliveAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(KeepAliveInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                await _client.InvokeAsync("HttpNfcLeaseProgress", Ref, [new VimArgument("percent", Volatile.Read(ref _percent))], stop)
                    .ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Completed, aborted or disposed.
        }
        catch (VSphereException)
        {
            // The lease ended (timed out, or aborted by someone else): the next transfer or Complete reports it.
        }
    }

    private static async Task AbortQuietlyAsync(VSphereClient client, ManagedObjectReference lease, string reason,
        CancellationToken cancellationToken = default)
    {
        try
        {
            await AbortLeaseAsync(client, lease, reason, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is VSphereException or OperationCanceledException)
        {
            // Already ended (InvalidState) or unreachable: vSphere times the lease out and cleans up itself.
        }
    }

    /// <summary>
    /// Aborts a lease held by any session (HttpNfcLeaseAbort) with <paramref name="reason"/> as its error: the client that
    /// transfers its files then fails, and cleans up as it does on any failure.
    /// </summary>
    /// <exception cref="VimFaultException">vSphere refused: InvalidState when the lease has ended, ManagedObjectNotFound when it is gone.</exception>
    public static async Task AbortLeaseAsync(VSphereClient client, ManagedObjectReference lease, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var fault = new VimObject("LocalizedMethodFault",
        [
            new VimField("fault", new VimObject("SystemError", [new VimField("reason", new VimPrimitive("string", reason))])),
            new VimField("localizedMessage", new VimPrimitive("string", reason)),
        ]);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(EndTimeout);
        await client.InvokeAsync("HttpNfcLeaseAbort", lease, [new VimArgument("fault", fault)], timeout.Token).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Ref} ({Info.DeviceUrls.Count} device files)");
}
