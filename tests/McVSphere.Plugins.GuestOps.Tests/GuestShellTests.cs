using System.Diagnostics;

namespace McVSphere.Plugins.GuestOps.Tests;

/// <summary>
/// The two ways run_command_in_guest hands a command to a guest's shell. The test bed's guests are Linux (real
/// processes, see ProcessToolsTests); a Windows guest is modelled here by what VMware Tools gives cmd.exe, and a
/// Linux one also by running the command line as Tools does, <c>/bin/sh -c "programPath arguments"</c>, on this machine.
/// </summary>
public sealed class GuestShellTests
{
    /// <summary>Texts that broke a wrapper that parses the command again: comments, here-documents, parentheses, quotes, newlines, $ and backticks.</summary>
    public static TheoryData<string> HostileCommands => new()
    {
        "echo kept # comment )",
        "cat <<EOF\n) \" ' `\nEOF",
        "echo a ) & echo b",
        "echo \"unterminated",
        "echo 'single' \"double\" `back` $VAR %PATH% ^& | > < !x!",
        "line one\r\nline two\nline three",
    };

    [Theory]
    [MemberData(nameof(HostileCommands))]
    public void A_windows_command_reaches_cmd_only_as_a_batch_file_never_on_its_command_line(string command)
    {
        var output = new CommandOutputFiles(@"C:\Temp\mcvsphere-1\stdout", @"C:\Temp\mcvsphere-1\stderr", @"C:\Temp\mcvsphere-1\command.cmd");

        var spec = GuestShell.Windows.Spec(command, @"C:\Work", output);

        Assert.Equal(@"C:\Windows\System32\cmd.exe", spec.ProgramPath);
        Assert.Equal(@"/d /s /c """"C:\Temp\mcvsphere-1\command.cmd"" >""C:\Temp\mcvsphere-1\stdout"" 2>""C:\Temp\mcvsphere-1\stderr""""", spec.Arguments);
        Assert.Equal(@"C:\Work", spec.WorkingDirectory);
        var lines = command.ReplaceLineEndings("\n").Split('\n');
        Assert.Equal("@echo off\r\n" + string.Join("\r\n", lines) + "\r\n", GuestShell.Windows.Script(command));
    }

    [Fact]
    public void A_linux_command_needs_no_batch_file()
    {
        Assert.Null(GuestShell.Posix.Script("echo x"));
    }

    [Theory]
    [MemberData(nameof(HostileCommands))]
    [InlineData("printf '%s' \"it's\" 'a\"b' \\$HOME; exit 7")]
    public async Task A_linux_command_runs_as_typed_with_its_output_in_the_files(string command)
    {
        var directory = Directory.CreateTempSubdirectory("mcvsphere-shell-");
        try
        {
            var output = new CommandOutputFiles(Path.Combine(directory.FullName, "out'put"), Path.Combine(directory.FullName, "err \"put"), "");
            var spec = GuestShell.Posix.Spec(command, null, output);

            var wrapped = await RunAsync("/bin/sh", "-c", $"{spec.ProgramPath} {spec.Arguments}");
            var typed = await RunAsync("/bin/sh", "-c", command);

            Assert.Equal((typed.ExitCode, typed.Stdout, typed.Stderr),
                (wrapped.ExitCode, await File.ReadAllTextAsync(output.Stdout), await File.ReadAllTextAsync(output.Stderr)));
            Assert.Equal(("", ""), (wrapped.Stdout, wrapped.Stderr));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
