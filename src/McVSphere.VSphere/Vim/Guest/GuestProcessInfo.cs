namespace McVSphere.VSphere.Vim;

/// <summary>
/// A process in the guest (<c>GuestProcessInfo</c>), as ListProcessesInGuest reports it. Processes started through
/// StartProgramInGuest stay listed for a few minutes after they end, with <see cref="EndTime"/> and
/// <see cref="ExitCode"/> set.
/// </summary>
/// <param name="Pid">The process id.</param>
/// <param name="Name">The process name.</param>
/// <param name="Owner">The user it runs as.</param>
/// <param name="CommandLine">Its full command line.</param>
/// <param name="StartTime">When it started.</param>
/// <param name="EndTime">When it ended; null while it runs (and for processes not started through guest operations).</param>
/// <param name="ExitCode">Its exit code, once it ended.</param>
public sealed record GuestProcessInfo(
    long Pid,
    string Name,
    string? Owner,
    string? CommandLine,
    DateTimeOffset? StartTime,
    DateTimeOffset? EndTime,
    int? ExitCode)
{
    /// <summary>Whether the process has ended.</summary>
    public bool HasEnded => EndTime is not null;

    /// <summary>Reads a <c>GuestProcessInfo</c> data object.</summary>
    public static GuestProcessInfo From(VimObject info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var endTime = info.GetDateTime("endTime");
        return new GuestProcessInfo(
            info.GetInt64("pid") ?? 0,
            info.GetString("name") ?? "",
            info.GetString("owner"),
            info.GetString("cmdLine"),
            info.GetDateTime("startTime"),
            endTime,
            // The exit code means something only once the process ended; an unset one is 0 (servers may omit zero).
            endTime is null ? null : info.GetInt32("exitCode") ?? 0);
    }
}
