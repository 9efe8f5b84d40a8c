using McVSphere.Sdk.Progress;
using McVSphere.VSphere.Transfers;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;

namespace McVSphere.Plugins.OvfOps;

/// <summary>
/// The progress of a transfer of several files (the disks of a deploy or an export): their bytes add up to one total,
/// reported to the caller as MCP progress and, as a percentage, to the NFC lease that the keep-alive reports.
/// </summary>
internal sealed class TransferTally(IProgress<ProgressNotificationValue> caller, string operation, long? totalBytes, NfcLease? lease = null)
{
    private readonly IProgress<TransferProgress> _caller = caller.ForTransfer(operation);
    private long _finishedBytes;

    /// <summary>The bytes of the files finished so far.</summary>
    public long FinishedBytes => _finishedBytes;

    /// <summary>The progress of the next file, counted on top of the files before it.</summary>
    public IProgress<TransferProgress> NextFile() => new Progress(this);

    /// <summary>Records a finished file.</summary>
    public void Finished(long bytes) => _finishedBytes += bytes;

    private void Report(long fileBytes)
    {
        var progress = new TransferProgress(_finishedBytes + fileBytes, totalBytes);
        _caller.Report(progress);
        if (progress.Percent is { } percent)
        {
            lease?.SetProgress(percent);
        }
    }

    private sealed class Progress(TransferTally tally) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => tally.Report(value.Bytes);
    }
}
