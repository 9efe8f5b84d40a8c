using System.Text;

namespace McVSphere.Plugins.OvfOps;

/// <summary>A file to pack into an OVA: its name in the archive, its exact size, and how to open it when its turn comes.</summary>
internal sealed record OvaEntry(string Name, long Length, Func<CancellationToken, Task<SourceFile>> Open);

/// <summary>
/// An OVA (a POSIX ustar archive, descriptor first, as the OVF specification asks) produced while it is read: each
/// entry's 512-byte header, then its bytes streamed from their source, then zero padding to a 512-byte block, and two
/// zero blocks at the end. Its <see cref="Length"/> is known before a byte is read, so it can be uploaded with a
/// Content-Length. Files of 8 GiB and more get their size in base-256 (the GNU extension every tar reader knows).
/// </summary>
internal sealed class OvaStream : Stream
{
    private const int Block = 512;
    private const long MaxOctalSize = (1L << 33) - 1;
    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch;

    private readonly Queue<Func<CancellationToken, Task<SourceFile>>> _segments = new();
    private SourceFile? _current;
    private long _position;

    public OvaStream(IReadOnlyList<OvaEntry> entries)
    {
        var modified = DateTimeOffset.UtcNow;
        foreach (var entry in entries)
        {
            var header = Header(entry, modified);
            _segments.Enqueue(_ => Bytes(header));
            _segments.Enqueue(entry.Open);
            if (Padding(entry.Length) is > 0 and var padding)
            {
                _segments.Enqueue(_ => Bytes(new byte[padding]));
            }
        }
        _segments.Enqueue(_ => Bytes(new byte[2 * Block]));
        Length = entries.Sum(entry => Block + entry.Length + Padding(entry.Length)) + 2 * Block;
    }

    /// <summary>The longest entry name a ustar header holds without the prefix field.</summary>
    public const int MaxNameLength = 99;

    public override long Length { get; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_current is null)
            {
                if (!_segments.TryDequeue(out var open))
                {
                    return 0;
                }
                _current = await open(cancellationToken);
            }
            var read = await _current.Content.ReadAsync(buffer, cancellationToken);
            if (read > 0)
            {
                _position += read;
                return read;
            }
            await _current.DisposeAsync();
            _current = null;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (_current is not null)
        {
            await _current.DisposeAsync();
        }
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _current?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        base.Dispose(disposing);
    }

    private static Task<SourceFile> Bytes(byte[] bytes) => Task.FromResult(new SourceFile(new MemoryStream(bytes), bytes.Length));

    private static long Padding(long length) => (Block - length % Block) % Block;

    private static byte[] Header(OvaEntry entry, DateTimeOffset modified)
    {
        if (entry.Name.Length > MaxNameLength || !entry.Name.All(char.IsAscii))
        {
            throw new ArgumentException($"'{entry.Name}' does not fit a ustar name (ASCII, at most {MaxNameLength} characters).", nameof(entry));
        }
        var header = new byte[Block];
        Text(header, 0, 100, entry.Name);
        Text(header, 100, 8, "0000644");
        Text(header, 108, 8, "0000000");
        Text(header, 116, 8, "0000000");
        if (entry.Length <= MaxOctalSize)
        {
            Text(header, 124, 12, Octal(entry.Length, 11));
        }
        else
        {
            header[124] = 0x80;
            for (int i = 135, shift = 0; i > 124; i--, shift += 8)
            {
                header[i] = (byte)(entry.Length >> shift);
            }
        }
        Text(header, 136, 12, Octal((long)(modified - Epoch).TotalSeconds, 11));
        header[156] = (byte)'0';
        Text(header, 257, 6, "ustar");
        Text(header, 263, 2, "00");
        Text(header, 265, 32, "root");
        Text(header, 297, 32, "root");
        // The checksum is the sum of the header's bytes with its own field counted as spaces.
        Text(header, 148, 8, "        ");
        var checksum = header.Sum(value => (long)value);
        Text(header, 148, 6, Octal(checksum, 6));
        header[154] = 0;
        return header;
    }

    private static string Octal(long value, int digits) => Convert.ToString(value, 8).PadLeft(digits, '0');

    private static void Text(byte[] header, int offset, int length, string value) =>
        Encoding.ASCII.GetBytes(value.AsSpan(0, Math.Min(value.Length, length)), header.AsSpan(offset, length));
}
