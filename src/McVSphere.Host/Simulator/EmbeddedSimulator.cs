using System.Diagnostics;
using McVSphere.Host.Configuration;
using Microsoft.Extensions.Logging;

namespace McVSphere.Host.Simulator;

/// <summary>
/// The bundled vCenter simulator (govmomi's vcsim with McVSphere's extensions), started on loopback for trying
/// McVSphere without a vCenter. It exits when this object is disposed, or when the host dies and its stdin closes.
/// </summary>
public sealed class EmbeddedSimulator : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;

    private EmbeddedSimulator(Process process, VCenterSettings vcenter)
    {
        _process = process;
        VCenter = vcenter;
    }

    /// <summary>How to connect to the running simulator.</summary>
    public VCenterSettings VCenter { get; }

    /// <summary>Starts the simulator and waits for it to print its URL.</summary>
    public static async Task<EmbeddedSimulator> StartAsync(string path, string arguments, ILogger logger, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new HostConfigurationException([
                $"{HostSettings.SimulatorPath.Name}: the simulator binary '{path}' does not exist. Build it with tests/simulator/build.sh " +
                $"(the README's run command does), or point {HostSettings.SimulatorPath.Name} at it."]);
        }
        var startInfo = new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in SplitArguments(arguments))
        {
            startInfo.ArgumentList.Add(argument);
        }
        // The simulator writes files for every VM; a tmpfs makes start-up several times faster.
        if (Directory.Exists("/dev/shm"))
        {
            startInfo.Environment["TMPDIR"] = "/dev/shm";
        }
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {path}");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                logger.LogDebug("simulator: {Line}", e.Data);
            }
        };
        process.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        string? firstLine;
        try
        {
            firstLine = await process.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            firstLine = null;
        }
        if (firstLine is null || !Uri.TryCreate(firstLine, UriKind.Absolute, out var url))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"the simulator did not print its URL within {StartTimeout.TotalSeconds:0} s (exit code {(process.HasExited ? process.ExitCode : -1)})");
        }
        var credentials = url.UserInfo.Split(':', 2);
        var vcenter = new VCenterSettings(
            Server: new UriBuilder(url) { UserName = "", Password = "" }.Uri.ToString(),
            User: Uri.UnescapeDataString(credentials[0]),
            Password: credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : "",
            Insecure: true,
            CaBundlePath: null,
            Thumbprint: null);
        logger.LogWarning("Serving the embedded vCenter SIMULATOR at {Url}: no real vCenter is connected", vcenter.Server);
        return new EmbeddedSimulator(process, vcenter);
    }

    private static IEnumerable<string> SplitArguments(string arguments) =>
        arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public async ValueTask DisposeAsync()
    {
        if (_process.HasExited)
        {
            _process.Dispose();
            return;
        }
        // Closing stdin asks the simulator to stop; kill it if it does not.
        _process.StandardInput.Close();
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
