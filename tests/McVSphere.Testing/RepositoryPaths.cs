using System.Diagnostics;

namespace McVSphere.Testing;

/// <summary>Where the repository's build outputs are, found from the test assembly's location.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> SimulatorBinary = new(BuildSimulator);

    /// <summary>The repository root (the folder holding McVSphere.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration the tests were built with (Debug or Release).</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    /// <summary>The runnable host folder that the build lays out, with plugins/ beside the executable.</summary>
    public static string HostDirectory => Path.Combine(Root, "src", "McVSphere.Host", "bin", Configuration, "net10.0");

    /// <summary>The host executable.</summary>
    public static string HostExecutable => Path.Combine(HostDirectory, "mcvsphere");

    /// <summary>The simulator binary, built once per test run by tests/simulator/build.sh (cached across runs).</summary>
    public static string Simulator => SimulatorBinary.Value;

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "McVSphere.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"McVSphere.sln not found above {AppContext.BaseDirectory}");
    }

    private static string BuildSimulator()
    {
        var script = Path.Combine(Root, "tests", "simulator", "build.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", [script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stderr = process.StandardError.ReadToEndAsync();
        var path = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(path))
        {
            throw new InvalidOperationException($"tests/simulator/build.sh failed ({process.ExitCode}): {stderr.Result}");
        }
        return path;
    }
}
