using McVSphere.Testing;
using static McVSphere.Plugins.GuestOps.Tests.GuestOpsFixture;

namespace McVSphere.Plugins.GuestOps.Tests;

[Collection(GuestOpsCollection.Name)]
public sealed class ProcessToolsTests(GuestOpsFixture fixture)
{
    [Fact]
    public async Task A_command_returns_its_stdout_stderr_and_exit_code_and_leaves_no_output_files()
    {
        var outputDirectories = await OutputDirectoriesAsync();

        var result = await fixture.Client.CallJsonAsync("run_command_in_guest", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword,
            command = "echo out-line; echo err-line >&2; printf 'no newline'; exit 3",
        });

        Assert.Equal("completed", result.GetProperty("status").GetString());
        Assert.Equal(3, result.GetProperty("exit_code").GetInt32());
        Assert.Equal("out-line\nno newline", result.GetProperty("stdout").GetString());
        Assert.Equal("err-line\n", result.GetProperty("stderr").GetString());
        Assert.True(result.GetProperty("pid").GetInt64() >= 1000);
        Assert.Equal(outputDirectories, await OutputDirectoriesAsync());
    }

    [Theory]
    [InlineData("echo kept # a comment with ) and (", "kept\n", "", 0)]
    [InlineData("cat <<'EOF'\nline $HOME `x` \"q\" 'a' ) # not a comment\nEOF\necho after >&2\nexit 4", "line $HOME `x` \"q\" 'a' ) # not a comment\n", "after\n", 4)]
    [InlineData("cat <<EOF\n$((6 * 7)) $(echo sub) `echo tick`\nEOF", "42 sub tick\n", "", 0)]
    [InlineData("x='it'\\''s'; printf '%s\\n' \"$x\" \"a\\\"b\" `echo tick` \"$(echo dollar)\" '$HOME' \"back\\\\slash\"", "it's\na\"b\ntick\ndollar\n$HOME\nback\\slash\n", "", 0)]
    [InlineData("echo one\necho two >&2\n\n  # an indented comment\nfalse", "one\n", "two\n", 1)]
    [InlineData("echo '(' \"((\" ')'; exit 0", "( (( )\n", "", 0)]
    public async Task A_command_runs_exactly_as_typed_whatever_its_text(string command, string stdout, string stderr, int exitCode)
    {
        var result = await fixture.Client.CallJsonAsync("run_command_in_guest", new { name = ToolsVm, username = GuestUser, password = GuestPassword, command });

        Assert.Equal("completed", result.GetProperty("status").GetString());
        Assert.Equal(stdout, result.GetProperty("stdout").GetString());
        Assert.Equal(stderr, result.GetProperty("stderr").GetString());
        Assert.Equal(exitCode, result.GetProperty("exit_code").GetInt32());
    }

    [Fact]
    public async Task A_command_with_an_unbalanced_parenthesis_fails_as_the_shell_says_and_its_error_is_captured()
    {
        var result = await fixture.Client.CallJsonAsync("run_command_in_guest", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword, command = "echo a ) ; echo b",
        });

        Assert.Equal(2, result.GetProperty("exit_code").GetInt32());
        Assert.Equal("", result.GetProperty("stdout").GetString());
        Assert.Contains("\")\" unexpected", result.GetProperty("stderr").GetString());
    }

    [Fact]
    public async Task A_command_runs_with_its_arguments_in_the_working_directory()
    {
        await fixture.Client.CallJsonAsync("write_guest_file", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword, guest_path = "/tmp/workdir-marker.txt", content = "marker", overwrite = true, confirm = true,
        });

        var result = await fixture.Client.CallJsonAsync("run_command_in_guest", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword,
            command = "cat", arguments = "workdir-marker.txt", working_directory = "/tmp",
        });

        Assert.Equal(0, result.GetProperty("exit_code").GetInt32());
        Assert.Equal("marker", result.GetProperty("stdout").GetString());
    }

    [Fact]
    public async Task A_command_that_outlives_its_timeout_is_reported_running_with_its_pid()
    {
        var result = await fixture.Client.CallJsonAsync("run_command_in_guest", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword,
            command = "echo started; sleep 60", timeout_seconds = 1,
        });

        Assert.Equal("timed_out", result.GetProperty("status").GetString());
        Assert.False(result.TryGetProperty("exit_code", out _));
        Assert.Equal("started\n", result.GetProperty("stdout").GetString());
        Assert.Contains("still running", result.GetProperty("message").GetString());
        var pid = result.GetProperty("pid").GetInt64();

        // The guest lists it as running; its output directory is kept for later reads.
        var process = await FindProcessAsync(pid);
        Assert.False(process.TryGetProperty("end_time", out _));
        var outputDirectory = result.GetProperty("output_directory").GetString()!;
        var stdout = await fixture.Client.CallJsonAsync("read_guest_file", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword, guest_path = outputDirectory + "/stdout",
        });
        Assert.Equal("started\n", stdout.GetProperty("content").GetString());
    }

    [Fact]
    public async Task A_command_not_waited_for_returns_its_pid_and_its_exit_code_shows_in_the_process_list()
    {
        var result = await fixture.Client.CallJsonAsync("run_command_in_guest", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword, command = "exit 7", wait_for_completion = false,
        });

        Assert.Equal("started", result.GetProperty("status").GetString());
        var pid = result.GetProperty("pid").GetInt64();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var process = await FindProcessAsync(pid);
        while (!process.TryGetProperty("exit_code", out _) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            process = await FindProcessAsync(pid);
        }
        Assert.Equal(7, process.GetProperty("exit_code").GetInt32());
        Assert.True(process.TryGetProperty("end_time", out _));
    }

    [Fact]
    public async Task The_process_list_has_the_guests_system_processes()
    {
        var result = await fixture.Client.CallJsonAsync("list_guest_processes", new { name = ToolsVm, username = GuestUser, password = GuestPassword });

        var names = result.GetProperty("processes").EnumerateArray().Select(process => process.GetProperty("name").GetString()).ToArray();
        Assert.Contains("systemd", names);
        Assert.Contains("vmtoolsd", names);
        Assert.Equal(names.Length, result.GetProperty("count").GetInt32());
        // Each has its command line under the original's name.
        var tools = result.GetProperty("processes").EnumerateArray().First(process => process.GetProperty("name").GetString() == "vmtoolsd");
        Assert.Contains("vmtoolsd", tools.GetProperty("command").GetString());
    }

    [Fact]
    public async Task A_blank_command_or_an_out_of_range_timeout_is_refused()
    {
        var blank = await fixture.Client.CallErrorAsync("run_command_in_guest", new { name = ToolsVm, username = GuestUser, password = GuestPassword, command = " " });
        Assert.Contains("command is required", blank);

        var timeout = await fixture.Client.CallErrorAsync("run_command_in_guest", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword, command = "true", timeout_seconds = 0,
        });
        Assert.Contains("timeout_seconds must be between 1 and 3600", timeout);
    }

    /// <summary>The command output directories in the guest's /tmp (those of timed-out commands stay).</summary>
    private async Task<string[]> OutputDirectoriesAsync()
    {
        var tmp = await fixture.Client.CallJsonAsync("list_guest_directory", new { name = ToolsVm, username = GuestUser, password = GuestPassword, guest_path = "/tmp" });
        return tmp.GetProperty("entries").EnumerateArray().Select(entry => entry.GetProperty("name").GetString()!)
            .Where(entry => entry.StartsWith("mcvsphere-", StringComparison.Ordinal)).ToArray();
    }

    private async Task<System.Text.Json.JsonElement> FindProcessAsync(long pid)
    {
        var list = await fixture.Client.CallJsonAsync("list_guest_processes", new { name = ToolsVm, username = GuestUser, password = GuestPassword });
        return Assert.Single(list.GetProperty("processes").EnumerateArray(), process => process.GetProperty("pid").GetInt64() == pid);
    }
}
