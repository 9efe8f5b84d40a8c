using System.Diagnostics;
using ModelContextProtocol.Client;

namespace McVSphere.Testing;

/// <summary>The real host executable (as built, with its plugins folder), driven by the MCP SDK's own client.</summary>
public static class HostProcess
{
    /// <summary>Starts the host over stdio with <paramref name="environment"/> and returns a connected MCP client.</summary>
    /// <param name="environment">Settings for the host (null values unset inherited variables).</param>
    /// <param name="standardError">Receives each line the host writes on stderr (its logs).</param>
    /// <param name="workingDirectory">The host's working directory (where it looks for a .env); default: the tests'.</param>
    public static async Task<McpClient> StartStdioAsync(
        IReadOnlyDictionary<string, string?> environment,
        Action<string>? standardError = null,
        McpClientOptions? clientOptions = null,
        string? workingDirectory = null,
        CancellationToken cancellationToken = default)
    {
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "mcvsphere",
            Command = RepositoryPaths.HostExecutable,
            Arguments = [],
            EnvironmentVariables = environment.ToDictionary(),
            StandardErrorLines = standardError,
            WorkingDirectory = workingDirectory,
            ShutdownTimeout = TimeSpan.FromSeconds(10),
        });
        return await McpClient.CreateAsync(transport, WithProtocolVersion(clientOptions), cancellationToken: cancellationToken);
    }

    /// <summary>
    /// The protocol revision tests speak unless they choose one: the one MCP clients speak today. Left open, the SDK's
    /// client probes for the 2026-07-28 revision first, and under load its probe can time out and fall back to a
    /// handshake the host has already left.
    /// </summary>
    public const string DefaultProtocolVersion = "2025-11-25";

    internal static McpClientOptions WithProtocolVersion(McpClientOptions? options)
    {
        options ??= new McpClientOptions();
        options.ProtocolVersion ??= DefaultProtocolVersion;
        return options;
    }

    /// <summary>Starts the host with streamable HTTP on a free loopback port and waits until it listens.</summary>
    public static async Task<HttpHost> StartHttpAsync(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var port = LoopbackPorts.Reserve();
        var startInfo = new ProcessStartInfo(RepositoryPaths.HostExecutable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }
        startInfo.Environment["MCP_TRANSPORT"] = "streamable-http";
        startInfo.Environment.TryAdd("MCP_HOST", "127.0.0.1");
        startInfo.Environment["MCP_PORT"] = port.ToString();
        var host = new HttpHost(Process.Start(startInfo)!, new Uri($"http://127.0.0.1:{port}/"));
        await host.WaitUntilListeningAsync(TimeSpan.FromSeconds(60));
        return host;
    }
}

/// <summary>A host process serving streamable HTTP; disposing stops it.</summary>
public sealed class HttpHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly LogLines _log = new();

    internal HttpHost(Process process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>e.g. http://127.0.0.1:41234/</summary>
    public Uri BaseUri { get; }

    /// <summary>The MCP endpoint.</summary>
    public Uri McpEndpoint => new(BaseUri, "mcp");

    public bool HasExited => _process.HasExited;

    /// <summary>The host's process id, e.g. to read its memory use.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Waits for the host to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan within)
    {
        await _process.WaitForExitAsync().WaitAsync(within);
        return _process.ExitCode;
    }

    /// <summary>Everything the host printed so far.</summary>
    public string Log => _log.ToString();

    /// <summary>Waits until the host prints a line that <paramref name="match"/> accepts (or has printed one), and returns it.</summary>
    public Task<string> WaitForLogAsync(Func<string, bool> match, string what) => _log.WaitForAsync(match, what);

    /// <summary>Connects a real MCP client, optionally with extra headers (e.g. Authorization).</summary>
    public Task<McpClient> ConnectAsync(IDictionary<string, string>? headers = null, McpClientOptions? clientOptions = null, CancellationToken cancellationToken = default) =>
        McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = McpEndpoint,
                TransportMode = HttpTransportMode.StreamableHttp,
                AdditionalHeaders = headers,
            }),
            HostProcess.WithProtocolVersion(clientOptions),
            cancellationToken: cancellationToken);

    internal async Task WaitUntilListeningAsync(TimeSpan timeout)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the host exited with code {_process.ExitCode}: {Log}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri(BaseUri, "healthz"));
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"the host did not listen within {timeout}: {Log}");
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            _log.Add(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
