using System.Diagnostics;

namespace McVSphere.Testing;

/// <summary>
/// govmomi's vCenter simulator with the project's extensions, as a child process on 127.0.0.1. Disposing stops it
/// (its stdin closes; it is killed if it lingers).
/// </summary>
public sealed class SimulatorProcess : IAsyncDisposable
{
    private const string CertificatePrefix = "certificate SHA-256: ";

    private readonly Process _process;
    private readonly LogLines _stderr = new();

    private SimulatorProcess(Process process, Uri url)
    {
        _process = process;
        var credentials = url.UserInfo.Split(':', 2);
        User = Uri.UnescapeDataString(credentials[0]);
        Password = Uri.UnescapeDataString(credentials[1]);
        Url = new UriBuilder(url) { UserName = "", Password = "" }.Uri;
    }

    /// <summary>The SDK URL without credentials, e.g. http://127.0.0.1:41234/sdk.</summary>
    public Uri Url { get; }

    public string User { get; }

    public string Password { get; }

    /// <summary>The process id, e.g. to kill it abruptly in a recovery test.</summary>
    public int ProcessId => _process.Id;

    /// <summary>What the simulator wrote on stderr so far (the certificate thumbprint with -tls, panics).</summary>
    public string StandardError => _stderr.ToString();

    /// <summary>With -tls, the SHA-256 fingerprint of vCenter's certificate (AA:BB:...), as VCENTER_THUMBPRINT takes it; else null.</summary>
    public string? CertificateSha256 { get; private set; }

    /// <summary>Environment variables that point the host at this simulator.</summary>
    public IReadOnlyDictionary<string, string?> HostEnvironment => new Dictionary<string, string?>
    {
        ["VCENTER_HOST"] = Url.ToString(),
        ["VCENTER_USER"] = User,
        ["VCENTER_PASSWORD"] = Password,
        ["VCENTER_INSECURE"] = "true",
    };

    /// <summary>This simulator as a target of an MCVSPHERE_TARGETS_FILE, named <paramref name="name"/>; add fields to it as needed.</summary>
    public Dictionary<string, object?> TargetEntry(string name) => new()
    {
        ["name"] = name,
        ["host"] = Url.ToString(),
        ["user"] = User,
        ["password"] = Password,
        ["insecure"] = true,
    };

    /// <summary>Writes an MCVSPHERE_TARGETS_FILE of <paramref name="targets"/> (from <see cref="TargetEntry"/>) to a new temporary file and returns its path.</summary>
    public static string WriteTargetsFile(string? defaultTarget, params Dictionary<string, object?>[] targets)
    {
        var path = Path.Combine(Path.GetTempPath(), $"mcvsphere-targets-{Guid.NewGuid():N}.json");
        var file = new Dictionary<string, object?> { ["targets"] = targets };
        if (defaultTarget is not null)
        {
            file["default"] = defaultTarget;
        }
        File.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(file));
        return path;
    }

    /// <summary>Host settings that serve the targets of <paramref name="targetsFile"/> and no VCENTER_* vCenter.</summary>
    public static Dictionary<string, string?> TargetsFileEnvironment(string targetsFile) => new()
    {
        ["MCVSPHERE_TARGETS_FILE"] = targetsFile,
        ["VCENTER_HOST"] = null,
        ["VCENTER_USER"] = null,
        ["VCENTER_PASSWORD"] = null,
    };

    /// <summary>Starts the simulator with command-line <paramref name="flags"/> (e.g. "-vm", "50") and waits for its URL.</summary>
    public static async Task<SimulatorProcess> StartAsync(params string[] flags)
    {
        var startInfo = new ProcessStartInfo(RepositoryPaths.Simulator)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var flag in flags)
        {
            startInfo.ArgumentList.Add(flag);
        }
        // Every simulated VM writes files; a tmpfs makes start-up several times faster.
        startInfo.Environment["TMPDIR"] = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        var process = Process.Start(startInfo)!;
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(120));
        if (line is null || !Uri.TryCreate(line, UriKind.Absolute, out var url))
        {
            var error = await process.StandardError.ReadToEndAsync();
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"the simulator did not start: {error}");
        }
        var simulator = new SimulatorProcess(process, url);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                simulator._stderr.Add(e.Data);
            }
        };
        process.BeginErrorReadLine();
        if (flags.Contains("-tls"))
        {
            // Printed right after the URL.
            var certificate = await simulator._stderr.WaitForAsync(text => text.StartsWith(CertificatePrefix, StringComparison.Ordinal), "the certificate fingerprint");
            simulator.CertificateSha256 = certificate[CertificatePrefix.Length..].Trim();
        }
        return simulator;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
    }
}
