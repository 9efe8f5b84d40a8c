using System.Net;
using System.Net.Sockets;
using System.Text;

namespace McVSphere.Plugins.OvfOps.Tests;

/// <summary>
/// A TCP port on loopback (127.0.0.1 and, where the machine has it, ::1) that no URL source may reach: it counts the
/// connections it accepts and closes each at once (so that a server that does connect fails fast instead of waiting
/// for an answer). <see cref="Connections"/> also counts a connection still waiting in the kernel's queue.
/// </summary>
public sealed class TrapListener : IAsyncDisposable
{
    private readonly List<TcpListener> _listeners = [];
    private readonly List<Task> _loops = [];
    private int _accepted;

    public TrapListener()
    {
        var first = new TcpListener(IPAddress.Loopback, 0);
        first.Start();
        _listeners.Add(first);
        Port = ((IPEndPoint)first.LocalEndpoint).Port;
        try
        {
            var v6 = new TcpListener(IPAddress.IPv6Loopback, Port);
            v6.Start();
            _listeners.Add(v6);
        }
        catch (SocketException)
        {
            // No IPv6 loopback here: the IPv4 one is the trap.
        }
        _loops.AddRange(_listeners.Select(AcceptLoopAsync));
    }

    public int Port { get; }

    /// <summary>Connections made to the trap so far: accepted, or queued and not yet accepted.</summary>
    public int Connections => Volatile.Read(ref _accepted) + _listeners.Count(listener => listener.Pending());

    /// <summary>A URL on the trap.</summary>
    public string Url(string host, string path = "/appliance.ovf") => $"http://{host}:{Port}{path}";

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        try
        {
            while (true)
            {
                using var socket = await listener.AcceptSocketAsync();
                // Counted before it is closed: whoever connected learns of the close only after this.
                Interlocked.Increment(ref _accepted);
            }
        }
        catch (Exception error) when (error is SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listeners.ForEach(listener => listener.Stop());
        await Task.WhenAll(_loops);
    }
}

/// <summary>An answer of <see cref="LoopbackWebServer"/>: a status, headers and a body.</summary>
/// <param name="StallAfter">Announce the whole body but send only this many bytes of it, then nothing until the server stops: a source that stalls.</param>
public sealed record WebAnswer(int Status, byte[] Body, IReadOnlyDictionary<string, string>? Headers = null, int? StallAfter = null)
{
    public static WebAnswer Ok(byte[] body) => new(200, body);

    public static WebAnswer Ok(string body) => new(200, Encoding.UTF8.GetBytes(body));

    public static WebAnswer Redirect(string location) => new(302, [], new Dictionary<string, string> { ["Location"] = location });
}

/// <summary>
/// A web server of a few fixed answers on a loopback address of its own choosing (e.g. 127.0.0.2), HTTP/1.1 with one
/// request per connection: the "allowed internal server" of URL-source tests. It records each request's path and
/// Authorization header.
/// </summary>
public sealed class LoopbackWebServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Task _loop;
    private readonly Dictionary<string, WebAnswer> _answers = new(StringComparer.Ordinal);
    private readonly List<(string Path, string? Authorization)> _requests = [];
    private readonly CancellationTokenSource _stopping = new();

    public LoopbackWebServer(IPAddress address)
    {
        _listener = new TcpListener(address, 0);
        _listener.Start();
        Authority = $"{address}:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _loop = AcceptLoopAsync();
    }

    /// <summary>host:port, e.g. 127.0.0.2:41234.</summary>
    public string Authority { get; }

    public string Url(string path) => $"http://{Authority}{path}";

    /// <summary>Answers <paramref name="path"/> with <paramref name="answer"/>; other paths get 404.</summary>
    public LoopbackWebServer Serve(string path, WebAnswer answer)
    {
        lock (_answers)
        {
            _answers[path] = answer;
        }
        return this;
    }

    public IReadOnlyList<(string Path, string? Authorization)> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToList();
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync();
                _ = AnswerAsync(client);
            }
        }
        catch (Exception error) when (error is SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                var requestLine = await reader.ReadLineAsync() ?? "";
                string? authorization = null;
                for (var line = await reader.ReadLineAsync(); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync())
                {
                    if (line.StartsWith("Authorization:", StringComparison.OrdinalIgnoreCase))
                    {
                        authorization = line["Authorization:".Length..].Trim();
                    }
                }
                var path = requestLine.Split(' ') is [_, var target, ..] ? target : "";
                WebAnswer? answer;
                lock (_requests)
                {
                    _requests.Add((path, authorization));
                }
                lock (_answers)
                {
                    answer = _answers.GetValueOrDefault(path);
                }
                answer ??= new WebAnswer(404, "not found"u8.ToArray());
                var head = new StringBuilder($"HTTP/1.1 {answer.Status} {(answer.Status switch { 200 => "OK", 302 => "Found", 401 => "Unauthorized", _ => "Not Found" })}\r\n")
                    .Append($"Content-Length: {answer.Body.Length}\r\nConnection: close\r\n");
                foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>())
                {
                    head.Append($"{name}: {value}\r\n");
                }
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()));
                await stream.WriteAsync(answer.Body.AsMemory(0, answer.StallAfter ?? answer.Body.Length));
                if (answer.StallAfter is not null)
                {
                    await Task.Delay(Timeout.Infinite, _stopping.Token);
                }
            }
            catch (Exception error) when (error is IOException or OperationCanceledException)
            {
                // The client went away, or the server stops.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _loop;
        _stopping.Dispose();
    }
}
