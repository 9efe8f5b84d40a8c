using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Progress;

namespace McVSphere.Plugins.OvfOps;

/// <summary>
/// The <c>timeout_s</c> of deploy_ovf and export_vm_ovf. Unlike a vSphere task, which goes on in vCenter when a wait
/// for it ends, an OVF transfer is driven by this server through an NFC lease: when the limit passes the transfer is
/// stopped and cleaned up (the lease aborted), and the call says so.
/// </summary>
internal sealed class OvfTimeLimit : IDisposable
{
    public const string Description =
        "Seconds the whole transfer may take, 1 to 86400 (default: no limit; a transfer that stalls still fails after the server's request " +
        "timeout). When they pass, the transfer is stopped and cleaned up: an OVF transfer is driven by this server, so it does not go on " +
        "without it the way a vSphere task does.";

    private readonly int? _seconds;
    private readonly CancellationToken _caller;
    private readonly CancellationTokenSource _limit;

    private OvfTimeLimit(int? seconds, CancellationToken caller)
    {
        _seconds = seconds;
        _caller = caller;
        _limit = CancellationTokenSource.CreateLinkedTokenSource(caller);
        if (seconds is { } limit)
        {
            _limit.CancelAfter(TimeSpan.FromSeconds(limit));
        }
    }

    /// <summary>Starts the limit of a call that was given <paramref name="seconds"/> (null: none).</summary>
    /// <exception cref="ToolException">The value is out of range.</exception>
    public static OvfTimeLimit Start(int? seconds, CancellationToken caller) =>
        seconds is null or (>= 1 and <= VSphereProgressExtensions.MaxTimeoutSeconds)
            ? new OvfTimeLimit(seconds, caller)
            : throw ToolException.InvalidArgument(VSphereProgressExtensions.TimeoutArgument,
                $"{VSphereProgressExtensions.TimeoutArgument} is {seconds}; give between 1 and {VSphereProgressExtensions.MaxTimeoutSeconds} seconds, " +
                "or leave it out for no limit.");

    /// <summary>Cancelled when the caller cancels or the limit passes.</summary>
    public CancellationToken Token => _limit.Token;

    /// <summary>Whether a cancellation came from the limit, not from the caller.</summary>
    public bool Expired => _seconds is not null && _limit.IsCancellationRequested && !_caller.IsCancellationRequested;

    /// <summary>The error of a transfer stopped by the limit; <paramref name="cleanedUp"/> says what was undone.</summary>
    public ToolException Exceeded(string operation, string cleanedUp) =>
        ToolException.Refused($"{operation} stopped after timeout_s={_seconds} s: {cleanedUp}. Give a larger timeout_s, or leave it out.",
            VSphereProgressExtensions.TimeoutArgument);

    public void Dispose() => _limit.Dispose();
}
