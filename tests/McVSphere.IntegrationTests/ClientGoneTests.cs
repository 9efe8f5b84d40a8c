using System.Diagnostics;
using System.Text.Json;
using McVSphere.Testing;
using McVSphere.VSphere.Vim;

namespace McVSphere.IntegrationTests;

/// <summary>A client that goes away mid-call (killed, its connection dropped): what the call does then, and what the audit says.</summary>
public sealed class ClientGoneTests
{
    [Fact]
    public async Task A_call_whose_HTTP_client_went_away_runs_to_its_end_and_the_audit_records_that_end()
    {
        await using var simulator = await SimulatorProcess.StartAsync();
        await using var host = await HostProcess.StartHttpAsync(simulator.HostEnvironment);
        await using var vsphere = SimulatorVSphere.Connect(simulator);
        var vm = await vsphere.SlowDownTasksAsync("DC0_H0_VM1", TimeSpan.FromSeconds(2));

        using (var http = new HttpClient())
        {
            var session = await InitializeAsync(http, host.McpEndpoint);
            using var call = RawMcpRequest.Create(host.McpEndpoint,
                """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"power_off","arguments":{"name":"DC0_H0_VM1"},"_meta":{"progressToken":"p"}}}""");
            call.Headers.Add("Mcp-Session-Id", session);
            using var response = await http.SendAsync(call, HttpCompletionOption.ResponseHeadersRead);
            using var events = new StreamReader(await response.Content.ReadAsStreamAsync());
            // Read until the first progress notification: the vSphere task exists. Then the client is gone: its
            // connection closes without a word, as when the process is killed.
            while (await events.ReadLineAsync() is { } line && !line.Contains("notifications/progress", StringComparison.Ordinal))
            {
            }
        }

        var audit = JsonDocument.Parse(await host.WaitForLogAsync(
            line => line.Contains("\"TOOL_CALL\"", StringComparison.Ordinal) && line.Contains("\"power_off\"", StringComparison.Ordinal),
            "the audit line of power_off")).RootElement;
        Assert.Equal("success", audit.GetProperty("result").GetString());
        Assert.Equal("poweredOff", (await vsphere.Properties.RetrieveAsync(vm, ["runtime.powerState"])).GetString("runtime.powerState"));
    }

    [Fact]
    public async Task A_stdio_client_that_went_away_leaves_its_call_running_until_the_drain_limit_then_it_is_cancelled_and_audited()
    {
        await using var simulator = await SimulatorProcess.StartAsync();
        await using var vsphere = SimulatorVSphere.Connect(simulator);
        var source = await vsphere.SlowDownTasksAsync("DC0_H0_VM0", TimeSpan.FromMinutes(5));
        var auditFile = Path.Combine(Path.GetTempPath(), $"mcvsphere-audit-{Guid.NewGuid():N}.jsonl");
        var startInfo = new ProcessStartInfo(RepositoryPaths.HostExecutable) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in simulator.HostEnvironment)
        {
            startInfo.Environment[name] = value;
        }
        startInfo.Environment["MCVSPHERE_AUDIT_FILE"] = auditFile;
        startInfo.Environment["MCVSPHERE_STDIO_DRAIN_TIMEOUT"] = "1";
        using var host = Process.Start(startInfo)!;
        var log = host.StandardError.ReadToEndAsync();
        try
        {
            await host.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
            await host.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
            await host.StandardInput.WriteLineAsync(
                """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"clone_vm","arguments":{"template_name":"DC0_H0_VM0","new_name":"orphan"},"_meta":{"progressToken":"p"}}}""");
            await host.StandardInput.FlushAsync();
            while (await host.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) is { } line && !line.Contains("notifications/progress", StringComparison.Ordinal))
            {
            }
            // The client is gone: both of its pipes close.
            host.StandardInput.Close();
            host.StandardOutput.Close();

            await host.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!host.HasExited)
            {
                host.Kill();
            }
        }

        Assert.Equal(0, host.ExitCode);
        var audit = File.ReadLines(auditFile).Select(line => JsonDocument.Parse(line).RootElement).Single(line => line.GetProperty("tool").GetString() == "clone_vm");
        Assert.Equal("error", audit.GetProperty("result").GetString());
        Assert.Contains("the task was cancelled", audit.GetProperty("error").GetString());
        var clone = (await vsphere.GetRecentTasksAsync()).Last(task => task.Entity == source && task.Name == "CloneVM_Task");
        Assert.True(clone.Cancelled, await log);
        File.Delete(auditFile);
    }

    private static async Task<string> InitializeAsync(HttpClient http, Uri endpoint)
    {
        using var initialize = RawMcpRequest.Initialize(endpoint);
        using var response = await http.SendAsync(initialize);
        response.EnsureSuccessStatusCode();
        var session = response.Headers.GetValues("Mcp-Session-Id").Single();
        using var initialized = RawMcpRequest.Create(endpoint, """{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        initialized.Headers.Add("Mcp-Session-Id", session);
        (await http.SendAsync(initialized)).EnsureSuccessStatusCode();
        return session;
    }
}
