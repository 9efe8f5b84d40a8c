using System.Globalization;
using McVSphere.VSphere.Transfers;
using ModelContextProtocol;

namespace McVSphere.Sdk.Progress;

/// <summary>
/// Bridges the progress of streamed transfers (datastore files, NFC disks, guest files) to MCP progress
/// notifications: <c>progress.ForTransfer("Uploading x.iso")</c> reports bytes of the total, with a readable message.
/// </summary>
public static class TransferProgressExtensions
{
    /// <summary>Reports each update as <c>notifications/progress</c>: progress and total in bytes, and "operation: 12.5 of 200.0 MB (6%)".</summary>
    public static IProgress<TransferProgress> ForTransfer(this IProgress<ProgressNotificationValue> progress, string operation)
    {
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentException.ThrowIfNullOrEmpty(operation);
        return new TransferProgressAdapter(progress, operation);
    }

    /// <summary>A size in megabytes with one decimal, for progress messages.</summary>
    public static string Megabytes(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB";

    private sealed class TransferProgressAdapter(IProgress<ProgressNotificationValue> target, string operation) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => target.Report(new ProgressNotificationValue
        {
            Progress = value.Bytes,
            Total = value.TotalBytes,
            Message = value.TotalBytes is { } total
                ? $"{operation}: {Megabytes(value.Bytes)} of {Megabytes(total)} ({value.Percent}%)"
                : $"{operation}: {Megabytes(value.Bytes)}",
        });
    }
}
