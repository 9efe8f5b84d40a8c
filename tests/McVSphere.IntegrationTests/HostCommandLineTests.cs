using System.Diagnostics;
using System.Text.Json;
using McVSphere.Testing;

namespace McVSphere.IntegrationTests;

/// <summary>The host executable's command line and start-up, run as a user would run it.</summary>
public class HostCommandLineTests
{
    private sealed record Run(int ExitCode, string StandardOutput, string StandardError);

    private static async Task<Run> RunHostAsync(IReadOnlyDictionary<string, string?> environment, string? standardInput, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(RepositoryPaths.HostExecutable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        // Start from a clean slate: no vCenter settings inherited from the machine running the tests.
        foreach (var name in new[] { "VCENTER_HOST", "VCENTER_USER", "VCENTER_PASSWORD", "MCVSPHERE_SIMULATOR", "MCVSPHERE_PLUGINS", "MCP_TRANSPORT" })
        {
            startInfo.Environment.Remove(name);
        }
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
            await process.StandardInput.FlushAsync();
        }
        // End of input at once: the stdio server answers what it received, then exits.
        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return new Run(process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Without_vcenter_or_simulator_it_refuses_to_start_and_names_both_ways()
    {
        var run = await RunHostAsync(new Dictionary<string, string?>(), standardInput: null);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.StandardOutput);
        Assert.Contains("VCENTER_HOST", run.StandardError);
        Assert.Contains("--simulator", run.StandardError);
    }

    [Fact]
    public async Task An_invalid_setting_stops_start_up_naming_it_and_never_printing_the_password()
    {
        var run = await RunHostAsync(new Dictionary<string, string?>
        {
            ["VCENTER_HOST"] = "vc.example.com",
            ["VCENTER_USER"] = "admin",
            ["VCENTER_PASSWORD"] = "Sup3r-S3cret",
            ["MCP_PORT"] = "eighty",
        }, standardInput: null);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("MCP_PORT", run.StandardError);
        Assert.DoesNotContain("Sup3r-S3cret", run.StandardError + run.StandardOutput);
    }

    [Fact]
    public async Task A_vcenter_host_url_with_credentials_stops_start_up_without_printing_them()
    {
        var run = await RunHostAsync(new Dictionary<string, string?>
        {
            ["VCENTER_HOST"] = "ftp://admin:Sup3r-S3cret@vc.example.com/",
            ["VCENTER_USER"] = "admin",
            ["VCENTER_PASSWORD"] = "other",
        }, standardInput: null);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("VCENTER_HOST: is a URL with credentials", run.StandardError);
        Assert.DoesNotContain("Sup3r-S3cret", run.StandardError + run.StandardOutput);
    }

    [Fact]
    public async Task List_tools_works_without_vcenter_and_names_family_and_permission()
    {
        var run = await RunHostAsync(new Dictionary<string, string?>(), standardInput: null, "--list-tools");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("get_vcenter_info\tInventory\tREAD_ONLY", run.StandardOutput.Split('\n'));
    }

    [Fact]
    public async Task Version_and_help_answer_on_stdout()
    {
        var version = await RunHostAsync(new Dictionary<string, string?>(), standardInput: null, "--version");
        var help = await RunHostAsync(new Dictionary<string, string?>(), standardInput: null, "--help");
        var unknown = await RunHostAsync(new Dictionary<string, string?>(), standardInput: null, "--frobnicate");

        Assert.Equal(0, version.ExitCode);
        Assert.StartsWith("mcvsphere ", version.StandardOutput);
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("VCENTER_PASSWORD", help.StandardOutput);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--frobnicate", unknown.StandardError);
    }

    [Fact]
    public async Task In_stdio_mode_stdout_carries_only_json_rpc_even_at_debug_level()
    {
        await using var simulator = await SimulatorProcess.StartAsync();
        var environment = new Dictionary<string, string?>(simulator.HostEnvironment) { ["LOG_LEVEL"] = "DEBUG" };
        const string requests = """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}
            {"jsonrpc":"2.0","method":"notifications/initialized"}
            {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_vcenter_info","arguments":{}}}

            """;

        var run = await RunHostAsync(environment, requests);

        var lines = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, line => Assert.Equal("2.0", JsonDocument.Parse(line).RootElement.GetProperty("jsonrpc").GetString()));
        Assert.Contains("dbug", run.StandardError);
    }

    [Fact]
    public async Task Requests_piped_before_stdin_closes_are_all_answered_before_exit()
    {
        await using var simulator = await SimulatorProcess.StartAsync();
        const int calls = 6;
        var requests = new System.Text.StringBuilder()
            .AppendLine("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""")
            .AppendLine("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        for (var id = 2; id < 2 + calls; id++)
        {
            var tool = id % 2 == 0 ? "list_vms" : "get_vcenter_info";
            requests.AppendLine("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":{}}}");
        }

        var run = await RunHostAsync(simulator.HostEnvironment, requests.ToString());

        var replies = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(message => message.TryGetProperty("id", out _))
            .ToArray();
        Assert.Equal(Enumerable.Range(1, 1 + calls), replies.Select(reply => reply.GetProperty("id").GetInt32()).Order());
        Assert.All(replies.Where(reply => reply.GetProperty("id").GetInt32() > 1),
            reply => Assert.False(reply.GetProperty("result").TryGetProperty("isError", out var isError) && isError.GetBoolean(), reply.ToString()));
        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public async Task The_simulator_flag_serves_the_bundled_simulator_and_says_so()
    {
        var environment = new Dictionary<string, string?> { ["MCVSPHERE_SIMULATOR_PATH"] = RepositoryPaths.Simulator };
        const string requests = """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}
            {"jsonrpc":"2.0","method":"notifications/initialized"}
            {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_vcenter_info","arguments":{}}}

            """;

        var run = await RunHostAsync(environment, requests, "--simulator");

        var reply = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Single(message => message.GetProperty("id").GetInt32() == 2);
        var info = JsonDocument.Parse(reply.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString()!).RootElement;
        Assert.True(info.GetProperty("simulator").GetBoolean());
        Assert.Contains("SIMULATOR", run.StandardError);
    }

    [Fact]
    public async Task The_reference_docs_are_up_to_date()
    {
        var tools = await RunHostAsync(new Dictionary<string, string?>(), standardInput: null, "--docs", "tools");
        var configuration = await RunHostAsync(new Dictionary<string, string?>(), standardInput: null, "--docs", "configuration");

        const string fix = "is stale: run scripts/generate-docs.sh";
        Assert.True(tools.StandardOutput == await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "docs", "tools.md")), $"docs/tools.md {fix}");
        Assert.True(configuration.StandardOutput == await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "docs", "configuration.md")), $"docs/configuration.md {fix}");
    }
}
