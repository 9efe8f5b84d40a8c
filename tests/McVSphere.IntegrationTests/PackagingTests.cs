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
            Assert.Superset(new HashSet<string> { "Inventory" }, families);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<string> RunAsync(string command, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        // A tool run from a temp path must not see the repository's settings.
        startInfo.Environment.Remove("MCVSPHERE_PLUGIN_DIR");
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stderr}");
        return await stdout;
    }
}
