using McVSphere.Sdk.Session;
using Microsoft.Extensions.Logging;

namespace McVSphere.Host.Hosting;

/// <summary>Whether vCenter answers now, and why not.</summary>
public sealed record Readiness(bool IsReady, string? Reason);

/// <summary>
/// What <c>/readyz</c> answers: asks vCenter whether the session is still logged in
/// (<see cref="McVSphere.VSphere.VSphereClient.CheckSessionAsync"/>, which logs in again when needed). A stalled
/// vCenter counts as down after <see cref="AnswerWithin"/>. One check is shared by concurrent probes and its outcome
/// kept for <see cref="CachedFor"/>, so that probes from several orchestrators cost vCenter one read every few seconds.
/// Changes of state are logged with their reason; the endpoint itself tells callers nothing more than ready or not.
/// </summary>
public sealed partial class ReadinessProbe(IVSphereSession session, TimeProvider time, ILogger<ReadinessProbe> logger)
{
    public static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan CachedFor = TimeSpan.FromSeconds(3);

    private readonly Lock _gate = new();
    private Task<Readiness>? _check;
    private DateTimeOffset _checkedAt;
    private bool? _wasReady;

    public Task<Readiness> CheckAsync(CancellationToken cancellationToken)
    {
        Task<Readiness> check;
        lock (_gate)
        {
            if (_check is null || (_check.IsCompleted && time.GetUtcNow() - _checkedAt >= CachedFor))
            {
                _check = RunCheckAsync();
            }
            check = _check;
        }
        return check.WaitAsync(cancellationToken);
    }

    private async Task<Readiness> RunCheckAsync()
    {
        using var timeout = new CancellationTokenSource(AnswerWithin, time);
        Readiness readiness;
        try
        {
            await session.Client.CheckSessionAsync(timeout.Token).ConfigureAwait(false);
            readiness = new Readiness(true, null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            readiness = new Readiness(false, $"{session.Client.ServerUri.Host} did not answer within {AnswerWithin.TotalSeconds:0} s");
        }
        catch (Exception ex)
        {
            // Whatever failed, vCenter is not usable now: the probe's answer is exactly that, with the reason in the log.
            readiness = new Readiness(false, ex.Message);
        }
        lock (_gate)
        {
            _checkedAt = time.GetUtcNow();
            if (_wasReady != readiness.IsReady)
            {
                if (readiness.IsReady)
                {
                    LogReady(session.Client.ServerUri.Host);
                }
                else
                {
                    LogNotReady(readiness.Reason!);
                }
            }
            _wasReady = readiness.IsReady;
        }
        return readiness;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ready: {Server} answers and the session is logged in")]
    private partial void LogReady(string server);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not ready: {Reason}")]
    private partial void LogNotReady(string reason);
}
