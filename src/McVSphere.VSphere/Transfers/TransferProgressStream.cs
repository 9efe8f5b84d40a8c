using System.Diagnostics;

namespace McVSphere.VSphere.Transfers;

/// <summary>
/// A read-only, forward-only view of a stream that counts the bytes read through it and reports them as
/// <see cref="TransferProgress"/>: at the first read, then at most every quarter second, and at the end, so that a multi-gigabyte copy makes
/// a few progress notifications per second rather than one per buffer. Transfers of this library wrap their sources and
/// response bodies in one; wrap a local copy in one to report its progress the same way.
/// </summary>
public sealed class TransferProgressStream : Stream
{
    private static readonly TimeSpan ReportInterval = TimeSpan.FromMilliseconds(250);

    private readonly Stream _inner;
    private readonly long? _totalBytes;
    private readonly IProgress<TransferProgress>? _progress;
    private readonly Action? _onActivity;
    private readonly Func<Exception, VSphereException>? _describeFailure;
    private long _bytes;
    private long? _lastReport;
    private bool _ended;

    /// <summary>Wraps <paramref name="inner"/> (disposed with this stream); <paramref name="totalBytes"/> is the size when known.</summary>
    public TransferProgressStream(Stream inner, long? totalBytes, IProgress<TransferProgress>? progress)
        : this(inner, totalBytes, progress, onActivity: null, describeFailure: null)
    {
    }

    /// <summary>
    /// Also calls <paramref name="onActivity"/> whenever bytes flow (to push back an idle deadline), and, for a response
    /// body, turns connection failures into exceptions that name the transfer.
    /// </summary>
    internal TransferProgressStream(Stream inner, long? totalBytes, IProgress<TransferProgress>? progress, Action? onActivity,
        Func<Exception, VSphereException>? describeFailure)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _totalBytes = totalBytes;
        _progress = progress;
        _onActivity = onActivity;
        _describeFailure = describeFailure;
    }

    /// <summary>The bytes read so far.</summary>
    public long BytesRead => _bytes;

    /// <summary>Whether the stream ended before the announced total: a truncated source.</summary>
    public bool EndedShort { get; private set; }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => _totalBytes ?? throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => _bytes;
        set => throw new NotSupportedException();
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        try
        {
            return Counted(_inner.Read(buffer));
        }
        catch (Exception error) when (_describeFailure is not null && error is HttpRequestException or IOException)
        {
            throw _describeFailure(error);
        }
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return Counted(await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception error) when (_describeFailure is not null && error is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw _describeFailure(error);
        }
    }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private int Counted(int read)
    {
        if (read > 0)
        {
            _bytes += read;
            _onActivity?.Invoke();
        }
        if (read == 0 && _bytes < _totalBytes)
        {
            EndedShort = true;
        }
        if (_progress is null || _ended)
        {
            return read;
        }
        var now = Stopwatch.GetTimestamp();
        _ended = read == 0 || _bytes == _totalBytes;
        // The first read is reported at once, so that a caller hears that the transfer started.
        if (_ended || _lastReport is not { } last || Stopwatch.GetElapsedTime(last, now) >= ReportInterval)
        {
            _lastReport = now;
            _progress.Report(new TransferProgress(_bytes, _totalBytes));
        }
        return read;
    }
}
