using System.Diagnostics;

namespace McVSphere.Testing;

/// <summary>POSIX signals to test processes (.NET only sends SIGKILL): SIGTERM as an orchestrator stops a container, SIGSTOP/SIGCONT to stall a server.</summary>
public static class ProcessSignals
{
    /// <summary>Sends <paramref name="signal"/> (e.g. <c>TERM</c>, <c>STOP</c>, <c>CONT</c>) to <paramref name="processId"/>.</summary>
    public static void Send(int processId, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { $"-{signal}", processId.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {processId} failed with exit code {kill.ExitCode}");
        }
    }
}
