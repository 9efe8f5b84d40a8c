using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using McVSphere.Host.Configuration;
using McVSphere.Testing;

namespace McVSphere.SecurityTests.Infrastructure;

/// <summary>
/// The real host executable as a child process with exactly the settings given (host settings inherited from the test
/// runner are removed), on a port the caller chose beforehand: the OAuth resource URL names it before the host starts.
/// Also watches a host that is expected to refuse to start. Killed when disposed.
/// </summary>
internal sealed class IsolatedHost : IAsyncDisposable
{
    // Generous: the suite shares two cores with builds and other test hosts.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stderr = new();

    private IsolatedHost(Process process)
    {
        _process = process;
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _stderr.Enqueue(e.Data); };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
    }

    /// <summary>What the host wrote to stderr so far: log lines and, unless turned off, audit lines.</summary>
    public string StandardError => string.Join('\n', _stderr);

    /// <summary>Settings every host needs: dummy vCenter credentials (the client logs in on first use only) and the fixture plugin.</summary>
    public static Dictionary<string, string?> BaseSettings() => new()
    {
        [HostSettings.VCenterHost.Name] = "vcenter.invalid",
        [HostSettings.VCenterUser.Name] = "svc-test@vsphere.local",
        [HostSettings.VCenterPassword.Name] = "not-a-real-password",
        [HostSettings.PluginDirectory.Name] = TestPaths.PluginDirectory,
        [HostSettings.LogLevel.Name] = "WARNING",
    };

    /// <summary><see cref="BaseSettings"/> with <paramref name="settings"/> over them, and every other host setting unset (null).</summary>
    public static Dictionary<string, string?> Environment(IReadOnlyDictionary<string, string?> settings)
    {
        var environment = HostSettings.All.ToDictionary(s => s.Name, _ => (string?)null);
        foreach (var (name, value) in BaseSettings().Concat(settings))
        {
            environment[name] = value;
        }
        return environment;
    }

    /// <summary>Starts the host without waiting for it.</summary>
    public static IsolatedHost Start(IReadOnlyDictionary<string, string?> settings)
    {
        var start = new ProcessStartInfo(RepositoryPaths.HostExecutable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
        };
        foreach (var (name, value) in Environment(settings))
        {
            start.Environment[name] = value;
        }
        return new IsolatedHost(Process.Start(start)!);
    }

    /// <summary>Starts the host with streamable HTTP on 127.0.0.1:<paramref name="port"/> and waits until it answers.</summary>
    public static async Task<IsolatedHost> StartHttpAsync(int port, IReadOnlyDictionary<string, string?> settings)
    {
        var host = Start(new Dictionary<string, string?>(settings)
        {
            [HostSettings.Transport.Name] = "streamable-http",
            [HostSettings.HttpHost.Name] = "127.0.0.1",
            [HostSettings.HttpPort.Name] = port.ToString(CultureInfo.InvariantCulture),
        });
        await host.WaitUntilServingAsync(new Uri($"http://127.0.0.1:{port}/healthz"));
        return host;
    }

    /// <summary>Waits for the process to end by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        await _process.WaitForExitAsync(timeout.Token);
        _process.WaitForExit(); // returns once the redirected streams are read to their end
        return _process.ExitCode;
    }

    /// <summary>Waits until the host has written <paramref name="text"/> to stderr (which is read asynchronously).</summary>
    public async Task<bool> WaitForStandardErrorAsync(string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!StandardError.Contains(text, StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        return StandardError.Contains(text, StringComparison.Ordinal);
    }

    /// <summary>Waits until <paramref name="health"/> answers 200; throws if the host exits first.</summary>
    public async Task WaitUntilServingAsync(Uri health)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"mcvsphere exited with {_process.ExitCode}:\n{StandardError}");
            }
            try
            {
                if ((await http.GetAsync(health)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // not listening yet, or listening and holding requests until its start-up checks are done
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"mcvsphere did not answer {health} within {StartTimeout.TotalSeconds} s:\n{StandardError}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
