using System.Diagnostics;

namespace McVSphere.VSphere.Tests;

/// <summary>
/// Starts govmomi's vCenter simulator (tests/simulator) for a test class or collection and stops it afterwards.
/// Derive one fixture per model and override <see cref="Flags"/>. Depends on nothing but xunit, so that it can move to
/// a shared test-support project.
/// </summary>
public abstract class SimulatorFixture : IAsyncLifetime
{
    private SimulatorInstance? _simulator;

    /// <summary>The simulator's command-line flags (model size, -tls, -session-idle...).</summary>
    protected virtual IReadOnlyList<string> Flags => [];

    /// <summary>The running simulator.</summary>
    public SimulatorInstance Simulator => _simulator ?? throw new InvalidOperationException("The simulator has not started.");

    /// <inheritdoc />
    public async Task InitializeAsync() => _simulator = await SimulatorInstance.StartAsync(Flags);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_simulator is not null)
        {
            await _simulator.DisposeAsync();
        }
    }
}

/// <summary>
/// One simulator process on 127.0.0.1: its SDK URL, credentials and (with -tls) certificate fingerprint. It also
/// exits when this process dies, since its stdin is a pipe from us. Its VM files go to a temporary folder of its own
/// (on the tmpfs when there is one), deleted on dispose even if the process was killed.
/// </summary>
public sealed class SimulatorInstance : IAsyncDisposable
{
    private const string DefaultUser = "vcuser";
    private const string DefaultPassword = "S3cret!pw";

    private static readonly Lazy<string> Binary = new(BuildSimulator);

    private readonly IReadOnlyList<string> _flags;
    private readonly string _temporaryFolder;
    private readonly TaskCompletionSource<string> _certificate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process _process;

    private SimulatorInstance(Process process, Uri url, IReadOnlyList<string> flags, string temporaryFolder)
    {
        _process = process;
        _flags = flags;
        _temporaryFolder = temporaryFolder;
        var credentials = url.UserInfo.Split(':', 2);
        User = Uri.UnescapeDataString(credentials[0]);
        Password = Uri.UnescapeDataString(credentials[1]);
        Url = new UriBuilder(url) { UserName = "", Password = "" }.Uri;
    }

    /// <summary>The SDK URL without credentials, e.g. <c>http://127.0.0.1:41234/sdk</c>.</summary>
    public Uri Url { get; }

    /// <summary>The login user.</summary>
    public string User { get; }

    /// <summary>The login password.</summary>
    public string Password { get; }

    /// <summary>The process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>The SHA-256 fingerprint of the certificate (colon-separated hex), with -tls.</summary>
    public Task<string> CertificateSha256 => _certificate.Task.WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>Starts a simulator with the given flags (credentials and -listen are added unless given).</summary>
    public static async Task<SimulatorInstance> StartAsync(IReadOnlyList<string> flags)
    {
        var all = flags.ToList();
        AddDefault(all, "-username", DefaultUser);
        AddDefault(all, "-password", DefaultPassword);
        AddDefault(all, "-listen", "127.0.0.1:0");
        // Every simulated VM writes files: a tmpfs makes start-up several times faster.
        var temporaryFolder = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"mcvsphere-vcsim-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temporaryFolder);
        try
        {
            var (process, url) = await LaunchAsync(all, temporaryFolder);
            var simulator = new SimulatorInstance(process, url, all, temporaryFolder);
            simulator.CaptureStandardError();
            return simulator;
        }
        catch
        {
            Directory.Delete(temporaryFolder, recursive: true);
            throw;
        }
    }

    /// <summary>Kills the process (SIGKILL), as a crash would.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Starts the simulator again on the same address, after <see cref="KillAsync"/>.</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        _process.Dispose();
        var flags = _flags.ToList();
        flags[flags.IndexOf("-listen") + 1] = $"127.0.0.1:{Url.Port}";
        (_process, _) = await LaunchAsync(flags, _temporaryFolder);
        CaptureStandardError();
    }

    /// <summary>Stops the simulator (it exits when its stdin closes; killed by PID if it lingers) and deletes its files.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                await KillAsync();
            }
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_temporaryFolder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open: the folder is on a temporary file system anyway.
        }
    }

    private static void AddDefault(List<string> flags, string name, string value)
    {
        if (!flags.Contains(name))
        {
            flags.Add(name);
            flags.Add(value);
        }
    }

    private static async Task<(Process Process, Uri Url)> LaunchAsync(IReadOnlyList<string> flags, string temporaryFolder)
    {
        var startInfo = new ProcessStartInfo(Binary.Value)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var flag in flags)
        {
            startInfo.ArgumentList.Add(flag);
        }
        startInfo.Environment["TMPDIR"] = temporaryFolder;
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("The simulator did not start.");
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(120));
        if (line is null || !Uri.TryCreate(line, UriKind.Absolute, out var url))
        {
            process.Kill(entireProcessTree: true);
            var error = await process.StandardError.ReadToEndAsync();
            throw new InvalidOperationException($"The simulator did not print its URL: {line} {error}");
        }
        return (process, url);
    }

    private void CaptureStandardError()
    {
        const string prefix = "certificate SHA-256: ";
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith(prefix, StringComparison.Ordinal) == true)
            {
                _certificate.TrySetResult(e.Data[prefix.Length..].Trim());
            }
        };
        _process.BeginErrorReadLine();
    }

    private static string BuildSimulator()
    {
        var script = Path.Combine(FindRepositoryRoot(), "tests", "simulator", "build.sh");
        using var build = Process.Start(new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException("bash did not start.");
        var errors = build.StandardError.ReadToEndAsync();
        var path = build.StandardOutput.ReadToEnd().Trim().Split('\n')[^1];
        build.WaitForExit();
        return build.ExitCode == 0 && File.Exists(path)
            ? path
            : throw new InvalidOperationException($"tests/simulator/build.sh failed ({build.ExitCode}): {errors.Result}");
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "tests", "simulator", "build.sh")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"tests/simulator/build.sh not found above {AppContext.BaseDirectory}.");
    }
}
