using System.Diagnostics;
using System.IO.Compression;
using McVSphere.Testing;

namespace McVSphere.IntegrationTests;

/// <summary>The host as users install it: a .NET tool package with the family plugins inside.</summary>
public class PackagingTests
{
    [Fact]
    public async Task The_tool_package_installs_and_lists_the_tools_of_its_bundled_families()
    {
        var work = Directory.CreateTempSubdirectory("mcvsphere-tool-");
        try
        {
            var feed = Path.Combine(work.FullName, "artifacts");
            var toolPath = Path.Combine(work.FullName, "tools");
            await RunAsync("dotnet", "pack", Path.Combine(RepositoryPaths.Root, "src", "McVSphere.Host"), "-c", RepositoryPaths.Configuration, "--no-build", "-o", feed);
            var package = Assert.Single(Directory.GetFiles(feed, "McVSphere.*.nupkg"));
            using (var archive = ZipFile.OpenRead(package))
            {
                Assert.Contains(archive.Entries, e => e.FullName == ".mcp/server.json");
                var nuspec = new StreamReader(archive.Entries.Single(e => e.FullName.EndsWith(".nuspec")).Open()).ReadToEnd();
                Assert.Contains("packageType name=\"McpServer\"", nuspec);
            }

            await RunAsync("dotnet", "tool", "install", "McVSphere", "--tool-path", toolPath, "--add-source", feed, "--prerelease");
            var listed = await RunAsync(Path.Combine(toolPath, "mcvsphere"), "--list-tools");

            var families = listed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t')[1]).ToHashSet();
            Assert.Contains("get_vcenter_info\tInventory\tREAD_ONLY", listed.Split('\n'));
            Assert.Equal(["GuestOps", "HostAdmin", "Inventory", "OvfOps", "VmLifecycle"], families.Order());

            // As MCP clients run it: dnx, straight from the feed, without installing. A package cache of its own, so that
            // an earlier build of the same version cached on this machine is not run instead.
            var viaDnx = await RunAsync("dotnet", ["dnx", "McVSphere", "--yes", "--prerelease", "--add-source", feed, "--", "--list-tools"],
                new() { ["NUGET_PACKAGES"] = Path.Combine(work.FullName, "packages") });
            Assert.Equal(listed, viaDnx);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_sample_plugin_builds_against_the_Sdk_package_alone_and_loads()
    {
        var work = Directory.CreateTempSubdirectory("mcvsphere-sdk-");
        try
        {
            var feed = Path.Combine(work.FullName, "feed");
            foreach (var project in new[] { "McVSphere.VSphere", "McVSphere.Sdk" })
            {
                await RunAsync("dotnet", "pack", Path.Combine(RepositoryPaths.Root, "src", project), "-c", RepositoryPaths.Configuration, "--no-build", "-o", feed);
            }
            // A copy outside the repository: no Directory.Build.props, no project references, only the package.
            var sample = Path.Combine(work.FullName, "PowerStateReport");
            Directory.CreateDirectory(sample);
            foreach (var file in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "samples", "PowerStateReport")).Where(f => f.EndsWith(".cs") || f.EndsWith(".csproj")))
            {
                File.Copy(file, Path.Combine(sample, Path.GetFileName(file)));
            }
            await File.WriteAllTextAsync(Path.Combine(work.FullName, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources><add key="local" value="{feed}" /></packageSources>
                </configuration>
                """);
            var output = Path.Combine(work.FullName, "plugins", "PowerStateReport");
            await RunAsync("dotnet", "build", sample, "-c", "Release", "-o", output);

            var files = Directory.GetFiles(output).Select(Path.GetFileName).ToList();
            Assert.Contains("PowerStateReport.dll", files);
            Assert.DoesNotContain(files, f => f!.StartsWith("McVSphere.") || f.StartsWith("ModelContextProtocol"));
            var listed = await RunAsync(RepositoryPaths.HostExecutable, ["--list-tools"], new() { ["MCVSPHERE_PLUGIN_DIR"] = Path.Combine(work.FullName, "plugins") });
            Assert.Equal(["count_vms_by_power_state\tPowerStateReport\tREAD_ONLY"], listed.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static Task<string> RunAsync(string command, params string[] arguments) => RunAsync(command, arguments, []);

    private static async Task<string> RunAsync(string command, string[] arguments, Dictionary<string, string> environment)
    {
        var startInfo = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        startInfo.Environment.Remove("MCVSPHERE_PLUGIN_DIR");
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stderr}");
        return await stdout;
    }
}
