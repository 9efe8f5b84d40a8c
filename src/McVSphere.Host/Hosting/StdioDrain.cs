using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace McVSphere.Host.Hosting;

/// <summary>
/// Lets a stdio client pipe its requests and close stdin: the end of input is held back from the MCP transport until
/// every request read before it has been answered (or the drain limit passed), because the transport drops the replies
/// of calls still running once its input has ended. Requests are tracked on the wire, as their lines pass, so that a
/// request the server has read but not yet started is counted too.
/// </summary>
internal sealed partial class StdioDrain(TimeSpan limit, Action onLimitReached, ILogger logger)
{
    private readonly Lock _lock = new();
    private readonly HashSet<string> _unanswered = [];
    private TaskCompletionSource? _answered;

    /// <summary>stdin as the transport reads it.</summary>
    public Stream Input(Stream stdin) => new ObservedStream(stdin, ClientLine, EndOfInputAsync);

    /// <summary>stdout as the transport writes it.</summary>
    public Stream Output(Stream stdout) => new ObservedStream(stdout, ServerLine, endOfInput: null);

    private void ClientLine(ReadOnlySpan<byte> line)
    {
        if (!TryParse(line, out var message))
        {
            return;
        }
        using (message)
        {
            var root = message.RootElement;
            var method = root.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            lock (_lock)
            {
                if (method is not null && root.TryGetProperty("id", out var id))
                {
                    _unanswered.Add(id.GetRawText());
                }
                // A request the client cancels gets no reply.
                else if (method == "notifications/cancelled" && root.TryGetProperty("params", out var parameters)
                    && parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("requestId", out var cancelled))
                {
                    Answered(cancelled.GetRawText());
                }
            }
        }
    }

    private void ServerLine(ReadOnlySpan<byte> line)
    {
        if (!TryParse(line, out var message))
        {
            return;
        }
        using (message)
        {
            var root = message.RootElement;
            if (!root.TryGetProperty("method", out _) && root.TryGetProperty("id", out var id))
            {
                lock (_lock)
                {
                    Answered(id.GetRawText());
                }
            }
        }
    }

    private void Answered(string id)
    {
        if (_unanswered.Remove(id) && _unanswered.Count == 0)
        {
            _answered?.TrySetResult();
        }
    }

    private async Task EndOfInputAsync(CancellationToken cancellationToken)
    {
        Task answered;
        int count;
        lock (_lock)
        {
            count = _unanswered.Count;
            if (count == 0)
            {
                return;
            }
            _answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            answered = _answered.Task;
        }
        LogDraining(count, limit.TotalSeconds);
        try
        {
            await answered.WaitAsync(limit, cancellationToken);
        }
        catch (TimeoutException)
        {
            lock (_lock)
            {
                count = _unanswered.Count;
            }
            LogDrainLimit(count, limit.TotalSeconds);
            onLimitReached();
        }
    }

    private static bool TryParse(ReadOnlySpan<byte> line, out JsonDocument message)
    {
        message = null!;
        if (line.Trim(" \t\r"u8).IsEmpty)
        {
            return false;
        }
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!JsonDocument.TryParseValue(ref reader, out var parsed) || parsed is null)
            {
                return false;
            }
            if (parsed.RootElement.ValueKind != JsonValueKind.Object)
            {
                parsed.Dispose();
                return false;
            }
            message = parsed;
            return true;
        }
        catch (JsonException)
        {
            // The transport answers malformed lines itself.
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "stdin ended with {Count} request(s) still running; answering them first (at most {LimitSeconds} s)")]
    private partial void LogDraining(int count, double limitSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} request(s) still running {LimitSeconds} s after stdin ended; cancelling them (MCVSPHERE_STDIO_DRAIN_TIMEOUT)")]
    private partial void LogDrainLimit(int count, double limitSeconds);

    /// <summary>
    /// Passes bytes through and hands each complete line to an observer; a read stream can hold back its end.
    /// Console streams ignore cancellation, so reads are abandoned through WaitAsync when the token fires.
    /// </summary>
    private sealed class ObservedStream(Stream inner, ObservedStream.LineObserver onLine, Func<CancellationToken, Task>? endOfInput) : Stream
    {
        public delegate void LineObserver(ReadOnlySpan<byte> line);

        private readonly ArrayBufferWriter<byte> _line = new();
        private bool _ended;

        public override bool CanRead => endOfInput is not null;
        public override bool CanWrite => endOfInput is null;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_ended)
            {
                return 0;
            }
            var read = await inner.ReadAsync(buffer, cancellationToken).AsTask().WaitAsync(cancellationToken);
            if (read > 0)
            {
                Observe(buffer.Span[..read]);
                return read;
            }
            _ended = true;
            Observe("\n"u8);
            await endOfInput!(cancellationToken);
            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            Observe(buffer.Span);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            Observe(buffer.AsSpan(offset, count));
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }

        private void Observe(ReadOnlySpan<byte> bytes)
        {
            while (!bytes.IsEmpty)
            {
                var end = bytes.IndexOf((byte)'\n');
                if (end < 0)
                {
                    _line.Write(bytes);
                    return;
                }
                if (_line.WrittenCount == 0)
                {
                    onLine(bytes[..end]);
                }
                else
                {
                    _line.Write(bytes[..end]);
                    onLine(_line.WrittenSpan);
                    _line.ResetWrittenCount();
                }
                bytes = bytes[(end + 1)..];
            }
        }
    }
}
