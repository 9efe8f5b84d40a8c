using System.Net;
using System.Net.Sockets;
using System.Text;

namespace McVSphere.Bench;

/// <summary>
/// A TCP proxy in front of the simulator that counts the HTTP requests passing through it, so that every contender's
/// round trips are counted the same way, outside its own code. Given a request delay, it holds each request that long
/// before passing it on: the time a vCenter on another machine takes to answer, which a simulator on this one does not.
/// </summary>
public sealed class CountingProxy : IAsyncDisposable
{
    private static readonly byte[] RequestStart = Encoding.ASCII.GetBytes("POST /sdk");
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly TimeSpan _requestDelay;
    private long _requests;

    public CountingProxy(Uri target, TimeSpan requestDelay = default)
    {
        _requestDelay = requestDelay;
        _target = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public long Requests => Interlocked.Read(ref _requests);

    public void Reset() => Interlocked.Exchange(ref _requests, 0);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var _ = client;
        using var server = new TcpClient();
        await server.ConnectAsync(_target);
        var upstream = client.GetStream();
        var downstream = server.GetStream();
        var toServer = CopyCountingAsync(upstream, downstream);
        var toClient = downstream.CopyToAsync(upstream);
        await Task.WhenAny(toServer, toClient);
    }

    // Counts "POST /sdk" at any position; a match split across two reads is caught by keeping the tail of the last read.
    private async Task CopyCountingAsync(Stream from, Stream to)
    {
        var buffer = new byte[81920];
        var carry = new byte[RequestStart.Length - 1];
        var carried = 0;
        int read;
        while ((read = await from.ReadAsync(buffer)) > 0)
        {
            var window = new byte[carried + read];
            carry.AsSpan(0, carried).CopyTo(window);
            buffer.AsSpan(0, read).CopyTo(window.AsSpan(carried));
            var requests = 0;
            for (var index = window.AsSpan().IndexOf(RequestStart); index >= 0; index = NextMatch(window, index))
            {
                requests++;
            }
            Interlocked.Add(ref _requests, requests);
            if (requests > 0 && _requestDelay > TimeSpan.Zero)
            {
                await Task.Delay(_requestDelay);
            }
            carried = Math.Min(carry.Length, window.Length);
            window.AsSpan(window.Length - carried).CopyTo(carry);
            await to.WriteAsync(buffer.AsMemory(0, read));
        }
    }

    private static int NextMatch(ReadOnlySpan<byte> span, int index)
    {
        var next = span[(index + 1)..].IndexOf(RequestStart);
        return next < 0 ? -1 : index + 1 + next;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _acceptLoop;
    }
}
