using System.Security.Cryptography;
using Xunit.Abstractions;

namespace McVSphere.Plugins.OvfOps.Tests;

/// <summary>
/// A 200 MB file goes up to the datastore and back down through the tools while the host's memory stays flat: the
/// host runs as an HTTP server of its own here, so that its process can be measured (peak RSS, /proc/&lt;pid&gt;/status VmHWM).
/// </summary>
public sealed class LargeTransferTests(OvfOpsFixture fixture, ITestOutputHelper output) : IClassFixture<OvfOpsFixture>
{
    private const long FileSize = 200L << 20;

    /// <summary>What the host may grow above its idle footprint while streaming: buffers, not the file.</summary>
    private const long AllowedGrowth = 64L << 20;

    [Fact]
    public async Task Uploads_and_downloads_200_MB_with_flat_memory()
    {
        var name = fixture.UniqueName("large");
        var source = fixture.RootPath($"{name}/upload.bin");
        var sourceHash = WriteKnownFile(source, FileSize);

        var environment = new Dictionary<string, string?>(fixture.Simulator.HostEnvironment)
        {
            ["MCVSPHERE_PLUGINS"] = "OvfOps",
            ["MCVSPHERE_FILE_ROOT"] = fixture.FileRoot,
        };
        await using var host = await HostProcess.StartHttpAsync(environment);
        await using var client = await host.ConnectAsync();
        try
        {
            // Warm up (login, JIT, connection pool) with a small round trip, then measure the idle footprint.
            await client.CallJsonAsync("upload_to_datastore",
                new { datastore = OvfOpsFixture.Datastore, remote_path = $"{name}/warm.txt", content_base64 = Convert.ToBase64String("warm"u8) });
            await client.CallJsonAsync("download_from_datastore", new { datastore = OvfOpsFixture.Datastore, path = $"{name}/warm.txt" });
            var idle = ResetPeak(host.ProcessId);

            var uploaded = await client.CallJsonAsync("upload_to_datastore",
                new { datastore = OvfOpsFixture.Datastore, remote_path = $"{name}/large.bin", local_path = $"{name}/upload.bin" });
            var uploadPeak = Status(host.ProcessId, "VmHWM");
            ResetPeak(host.ProcessId);
            var downloaded = await client.CallJsonAsync("download_from_datastore",
                new { datastore = OvfOpsFixture.Datastore, path = $"{name}/large.bin", save_to = $"{name}/download.bin" });
            var downloadPeak = Status(host.ProcessId, "VmHWM");
            output.WriteLine($"idle RSS {idle >> 20} MB, peak while uploading {uploadPeak >> 20} MB, while downloading {downloadPeak >> 20} MB");

            Assert.Equal(FileSize, uploaded.GetProperty("size_bytes").GetInt64());
            Assert.Equal(FileSize, downloaded.GetProperty("size_bytes").GetInt64());
            Assert.Equal(sourceHash, Sha256(fixture.RootPath($"{name}/download.bin")));
            Assert.InRange(uploadPeak - idle, long.MinValue, AllowedGrowth);
            Assert.InRange(downloadPeak - idle, long.MinValue, AllowedGrowth);
        }
        finally
        {
            // 200 MB files on a tmpfs datastore and in the file root: give the memory back.
            await client.CallJsonAsync("delete_datastore_file", new { datastore = OvfOpsFixture.Datastore, path = name, confirm = true });
            Directory.Delete(Path.GetDirectoryName(source)!, recursive: true);
        }
    }

    private static string WriteKnownFile(string path, long size)
    {
        using var sha = SHA256.Create();
        using var file = File.Create(path);
        var random = new Random(42);
        var chunk = new byte[1 << 20];
        for (long written = 0; written < size; written += chunk.Length)
        {
            random.NextBytes(chunk);
            file.Write(chunk);
            sha.TransformBlock(chunk, 0, chunk.Length, null, 0);
        }
        sha.TransformFinalBlock([], 0, 0);
        return Convert.ToHexStringLower(sha.Hash!);
    }

    private static string Sha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    /// <summary>Resets the process's peak RSS to its current RSS (clear_refs 5), and returns that.</summary>
    private static long ResetPeak(int pid)
    {
        File.WriteAllText($"/proc/{pid}/clear_refs", "5");
        return Status(pid, "VmRSS");
    }

    /// <summary>A memory figure of /proc/&lt;pid&gt;/status, in bytes.</summary>
    private static long Status(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(line => line.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0]) * 1024;
    }
}
