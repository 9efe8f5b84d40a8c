using Microsoft.Extensions.Logging;

namespace McVSphere.Host.Hosting;

/// <summary>Whether vCenter answers now, and why not.</summary>
public sealed record Readiness(bool IsReady, string? Reason);

/// <summary>
/// What <c>/readyz</c> answers, per target: asks each vCenter whether the session is still logged in
/// (<see cref="McVSphere.VSphere.VSphereClient.CheckSessionAsync"/>, which logs in again when needed). A stalled
/// vCenter counts as down after <see cref="AnswerWithin"/>. One check per target is shared by concurrent probes and its
/// outcome kept for <see cref="CachedFor"/>, so that probes from several orchestrators cost vCenter one read every few
/// seconds. Changes of state are logged with their reason; the endpoint itself tells callers nothing more than ready or not.
/// </summary>
public sealed partial class ReadinessProbe(VCenterTargets targets, TimeProvider time, ILogger<ReadinessProbe> logger)
{
    public static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan CachedFor = TimeSpan.FromSeconds(3);

    private readonly Dictionary<TargetSession, TargetCheck> _checks = targets.All.ToDictionary(target => target, _ => new TargetCheck());

    private sealed class TargetCheck
    {
        public readonly Lock Gate = new();
        public Task<Readiness>? Check;
        public DateTimeOffset CheckedAt;
        public bool? WasReady;
    }

    /// <summary>Whether <paramref name="target"/> answers now.</summary>
    public Task<Readiness> CheckAsync(TargetSession target, CancellationToken cancellationToken)
    {
        var state = _checks[target];
        Task<Readiness> check;
        lock (state.Gate)
        {
            if (state.Check is null || (state.Check.IsCompleted && time.GetUtcNow() - state.CheckedAt >= CachedFor))
            {
                state.Check = RunCheckAsync(target, state);
            }
            check = state.Check;
        }
        return check.WaitAsync(cancellationToken);
    }

    private async Task<Readiness> RunCheckAsync(TargetSession target, TargetCheck state)
    {
        var client = target.Client;
        using var timeout = new CancellationTokenSource(AnswerWithin, time);
        Readiness readiness;
        try
        {
            await client.CheckSessionAsync(timeout.Token).ConfigureAwait(false);
            readiness = new Readiness(true, null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            readiness = new Readiness(false, $"{client.ServerUri.Host} did not answer within {AnswerWithin.TotalSeconds:0} s");
        }
        catch (Exception ex)
        {
            // Whatever failed, vCenter is not usable now: the probe's answer is exactly that, with the reason in the log.
            readiness = new Readiness(false, ex.Message);
        }
        var name = targets.FromFile ? $"vCenter '{target.Name}'" : "vCenter";
        lock (state.Gate)
        {
            state.CheckedAt = time.GetUtcNow();
            if (state.WasReady != readiness.IsReady)
            {
                if (readiness.IsReady)
                {
                    LogReady(name, client.ServerUri.Host);
                }
                else
                {
                    LogNotReady(name, readiness.Reason!);
                }
            }
            state.WasReady = readiness.IsReady;
        }
        return readiness;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ready: {Target} ({Server}) answers and the session is logged in")]
    private partial void LogReady(string target, string server);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not ready: {Target}: {Reason}")]
    private partial void LogNotReady(string target, string reason);
}
