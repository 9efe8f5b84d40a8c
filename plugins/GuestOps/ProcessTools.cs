using System.ComponentModel;
using System.Globalization;
using System.Text;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Safety;
using McVSphere.Sdk.Security;
using McVSphere.VSphere;
using McVSphere.VSphere.Transfers;
using McVSphere.VSphere.Vim;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.GuestOps;

/// <summary>
/// Running commands and listing processes in the guest. A command's output comes back through files: it runs with
/// stdout and stderr redirected into a temporary directory in the guest, which is read back through the guest
/// file transfer API and then removed.
/// </summary>
[McpServerToolType]
public sealed partial class ProcessTools(GuestOperations guest, ILogger<ProcessTools> logger)
{
    /// <summary>The most output kept of each stream; the rest is cut (and said to be).</summary>
    private const long MaxOutputBytes = 1024 * 1024;

    private const int MaxTimeoutSeconds = 3600;

    [McpServerTool(Name = "run_command_in_guest", UseStructuredContent = true)]
    [Description("Runs a command in the guest OS through VMware Tools (no SSH needed) and returns its exit code, stdout and stderr. " +
        "The command runs through the guest's shell (/bin/sh -c on Linux; on Windows cmd.exe, from a batch file when its output is read " +
        "back, so write a literal % as %%), so pipes, redirections, comments, here-documents and several lines work. " +
        "Waits up to timeout_seconds: a command still running then is reported as timed out with its pid, and its output so far. " +
        "With wait_for_completion=false it only starts the command and returns its pid. Guest credentials: username and password, " +
        "or those configured on the server for the VM when omitted.")]
    [RequiresPermission(PermissionLevel.FullAdmin)]
    [Change("run '{command}' in the guest OS of '{name}'")]
    public async Task<CommandResult> RunCommandInGuest(
        [Description(GuestDescriptions.Vm)] string name,
        [Description("The program or shell command line to run, e.g. /usr/bin/df or \"systemctl status nginx | head\".")] string command,
        [Description(GuestDescriptions.Username)] string? username = null,
        [Description(GuestDescriptions.Password)] string? password = null,
        [Description("Arguments appended to the command, as one command-line string.")] string? arguments = null,
        [Description("Working directory in the guest (absolute path); default: the user's home directory.")] string? working_directory = null,
        [Description("Wait for the command to end and return its output (default true); false returns at once with its pid.")] bool wait_for_completion = true,
        [Description("How long to wait for the command, in seconds (1-3600, default 300).")] int timeout_seconds = 300,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(command))
        {
            throw ToolException.InvalidArgument(nameof(command), "command is required: give the program or command line to run.");
        }
        if (timeout_seconds is < 1 or > MaxTimeoutSeconds)
        {
            throw ToolException.InvalidArgument(nameof(timeout_seconds), $"timeout_seconds must be between 1 and {MaxTimeoutSeconds}; got {timeout_seconds}.");
        }
        var vm = await guest.OpenAsync(name, username, password, cancellationToken);
        var commandLine = string.IsNullOrWhiteSpace(arguments) ? command : $"{command} {arguments}";
        var shell = vm.IsWindows ? GuestShell.Windows : GuestShell.Posix;
        var client = guest.Client;

        if (!wait_for_completion)
        {
            var startedPid = await guest.RunAsync(vm, working_directory, () =>
                client.StartProgramInGuestAsync(vm.Ref, vm.Auth, shell.Spec(commandLine, working_directory, output: null), cancellationToken));
            return new CommandResult(vm.Name, command, arguments, startedPid, CommandStatus.Started, null, null, null, false, false, null, null, null, null,
                $"Started in '{vm.Name}' as process {startedPid}, without waiting: list_guest_processes shows when it ends and its exit code.");
        }

        var outputDirectory = await guest.RunAsync(vm, null, () =>
            client.CreateTemporaryDirectoryInGuestAsync(vm.Ref, vm.Auth, "mcvsphere-", "", cancellationToken: cancellationToken));
        var output = new CommandOutputFiles(GuestPath.Combine(outputDirectory, "stdout"), GuestPath.Combine(outputDirectory, "stderr"),
            GuestPath.Combine(outputDirectory, "command.cmd"));
        var keepOutput = false;
        try
        {
            if (shell.Script(commandLine) is { } script)
            {
                await WriteScriptAsync(vm, output.Script, script, cancellationToken);
            }
            var pid = await guest.RunAsync(vm, working_directory, () =>
                client.StartProgramInGuestAsync(vm.Ref, vm.Auth, shell.Spec(commandLine, working_directory, output), cancellationToken));
            var process = await guest.RunAsync(vm, null, () =>
                client.WaitForGuestProcessAsync(vm.Ref, vm.Auth, pid, TimeSpan.FromSeconds(timeout_seconds), cancellationToken));
            var stdout = await ReadOutputAsync(vm, output.Stdout, cancellationToken);
            var stderr = await ReadOutputAsync(vm, output.Stderr, cancellationToken);
            if (process.HasEnded)
            {
                var duration = (process.EndTime - process.StartTime)?.TotalSeconds;
                var exited = duration is { } seconds
                    ? string.Create(CultureInfo.InvariantCulture, $"Exited with code {process.ExitCode} after {seconds:0.###} s.")
                    : $"Exited with code {process.ExitCode}.";
                return new CommandResult(vm.Name, command, arguments, pid, CommandStatus.Completed, process.ExitCode, stdout.Text, stderr.Text,
                    stdout.Truncated, stderr.Truncated, process.StartTime, process.EndTime, duration, null, exited + TruncationNote(stdout, stderr));
            }
            // Still running: its output keeps going to the files, which stay for the caller to read later.
            keepOutput = true;
            return new CommandResult(vm.Name, command, arguments, pid, CommandStatus.TimedOut, null, stdout.Text, stderr.Text,
                stdout.Truncated, stderr.Truncated, process.StartTime, null, null, outputDirectory,
                $"Timed out after {timeout_seconds} s: the command is still running in '{vm.Name}' as process {pid} (list_guest_processes shows it). " +
                $"stdout and stderr hold its output so far; the rest goes to {output.Stdout} and {output.Stderr} (read_guest_file reads them, " +
                $"delete_guest_file with recursive=true removes {outputDirectory}).");
        }
        finally
        {
            if (!keepOutput)
            {
                await DeleteQuietlyAsync(vm, outputDirectory);
            }
        }
    }

    [McpServerTool(Name = "list_guest_processes", ReadOnly = true, Idempotent = true, UseStructuredContent = true)]
    [Description("Lists the processes running in the guest OS (through VMware Tools), and those started by run_command_in_guest that " +
        "ended in the last few minutes, with their exit codes. Guest credentials: username and password, or those configured on the server for the VM.")]
    [RequiresPermission(PermissionLevel.FullAdmin)]
    public async Task<ProcessList> ListGuestProcesses(
        [Description(GuestDescriptions.Vm)] string name,
        [Description(GuestDescriptions.Username)] string? username = null,
        [Description(GuestDescriptions.Password)] string? password = null,
        CancellationToken cancellationToken = default)
    {
        var vm = await guest.OpenAsync(name, username, password, cancellationToken);
        var processes = await guest.RunAsync(vm, null, () => guest.Client.ListProcessesInGuestAsync(vm.Ref, vm.Auth, cancellationToken: cancellationToken));
        var listed = processes
            .OrderBy(process => process.Pid)
            .Select(process => new GuestProcess(process.Pid, process.Name, process.Owner, process.CommandLine, process.StartTime, process.EndTime, process.ExitCode))
            .ToArray();
        return new ProcessList(vm.Name, listed.Length, listed);
    }

    /// <summary>Uploads the file the guest's shell runs the command from.</summary>
    private async Task WriteScriptAsync(GuestVm vm, string path, string script, CancellationToken cancellationToken)
    {
        var client = guest.Client;
        var bytes = Encoding.UTF8.GetBytes(script);
        await guest.RunAsync(vm, path, async () =>
        {
            var url = await client.InitiateFileTransferToGuestAsync(vm.Ref, vm.Auth, path, bytes.Length, overwrite: true, cancellationToken);
            using var stream = new MemoryStream(bytes, writable: false);
            await client.UploadGuestFileAsync(vm.Ref, url, stream, bytes.Length, cancellationToken);
        });
    }

    /// <summary>Downloads one output file, keeping at most <see cref="MaxOutputBytes"/>, as text.</summary>
    private async Task<CommandOutput> ReadOutputAsync(GuestVm vm, string path, CancellationToken cancellationToken)
    {
        var client = guest.Client;
        using var buffer = new MemoryStream();
        var download = await guest.RunAsync(vm, path, async () =>
        {
            var transfer = await client.InitiateFileTransferFromGuestAsync(vm.Ref, vm.Auth, path, cancellationToken);
            return await client.DownloadGuestFileAsync(vm.Ref, transfer.Url, buffer, MaxOutputBytes, cancellationToken);
        });
        // Invalid UTF-8 (binary output, or a character cut at the limit) reads as U+FFFD.
        return new CommandOutput(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), download.Truncated);
    }

    /// <summary>Removes the output directory; a failure leaves a small directory behind, which is logged rather than failing the call.</summary>
    private async Task DeleteQuietlyAsync(GuestVm vm, string directory)
    {
        try
        {
            // Also after the call was cancelled.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await guest.Client.DeleteDirectoryInGuestAsync(vm.Ref, vm.Auth, directory, recursive: true, timeout.Token);
        }
        catch (Exception error) when (error is VSphereException or OperationCanceledException)
        {
            LogCleanupFailed(directory, vm.Name, error.Message);
        }
    }

    private static string TruncationNote(CommandOutput stdout, CommandOutput stderr) => (stdout.Truncated, stderr.Truncated) switch
    {
        (false, false) => "",
        _ => $" Output beyond {MaxOutputBytes / 1024} KiB per stream was cut ({(stdout.Truncated ? "stdout" : "")}{(stdout.Truncated && stderr.Truncated ? ", " : "")}{(stderr.Truncated ? "stderr" : "")}).",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove the command output directory {Directory} in the guest of {Vm}: {Reason}")]
    private partial void LogCleanupFailed(string directory, string vm, string reason);

    private readonly record struct CommandOutput(string Text, bool Truncated);
}

/// <summary>Where a command's output goes in the guest, and (Windows) the batch file that holds the command.</summary>
internal sealed record CommandOutputFiles(string Stdout, string Stderr, string Script);

/// <summary>
/// How a command line runs in a guest: through its shell, with stdout and stderr going to files when they are to be
/// read back. The caller's text is never spliced into a wrapper the shell would parse again: a comment, a
/// here-document, an unbalanced parenthesis or a quote in it means what it would mean typed at the shell, nothing more.
/// </summary>
internal abstract class GuestShell
{
    public static readonly GuestShell Posix = new PosixShell();

    public static readonly GuestShell Windows = new WindowsShell();

    /// <summary>The program spec that runs <paramref name="commandLine"/>, its output going to <paramref name="output"/> when given.</summary>
    public abstract GuestProgramSpec Spec(string commandLine, string? workingDirectory, CommandOutputFiles? output);

    /// <summary>The content of the file to upload to <see cref="CommandOutputFiles.Script"/> before starting the program; null for none.</summary>
    public abstract string? Script(string commandLine);

    private static string? Directory(string? workingDirectory) => string.IsNullOrWhiteSpace(workingDirectory) ? null : workingDirectory;

    /// <summary>
    /// Linux and other POSIX guests: <c>/bin/sh -c '…'</c>, each text single-quoted (a quote inside written
    /// <c>'\''</c>), which keeps every character, newlines included. With output files, a first shell points its
    /// stdout and stderr at them and replaces itself by <c>/bin/sh -c "$0"</c>, the command passed as an argument: the
    /// command is parsed once, by a shell of its own, exactly as typed (its line numbers and syntax errors included).
    /// </summary>
    private sealed class PosixShell : GuestShell
    {
        private const string Redirect = "exec >\"$1\" 2>\"$2\"; exec /bin/sh -c \"$0\"";

        public override GuestProgramSpec Spec(string commandLine, string? workingDirectory, CommandOutputFiles? output) => new()
        {
            ProgramPath = "/bin/sh",
            Arguments = output is null
                ? "-c " + Quote(commandLine)
                : $"-c {Quote(Redirect)} {Quote(commandLine)} {Quote(output.Stdout)} {Quote(output.Stderr)}",
            WorkingDirectory = Directory(workingDirectory),
        };

        public override string? Script(string commandLine) => null;

        private static string Quote(string text) => "'" + text.Replace("'", @"'\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>
    /// Windows guests: cmd.exe has no quoting that keeps any text intact on its command line, so a command whose output
    /// is read back is first uploaded as a batch file (<c>@echo off</c>, then the command, lines ending in CRLF) and run
    /// as <c>cmd.exe /d /s /c ""script" &gt;"stdout" 2&gt;"stderr""</c>: the command line holds only the server's own
    /// paths. A command started without waiting runs as <c>cmd.exe /d /s /c "…"</c>, as typed.
    /// </summary>
    private sealed class WindowsShell : GuestShell
    {
        private const string Program = @"C:\Windows\System32\cmd.exe";

        public override GuestProgramSpec Spec(string commandLine, string? workingDirectory, CommandOutputFiles? output) => new()
        {
            ProgramPath = Program,
            Arguments = output is null
                ? $"/d /s /c \"{commandLine}\""
                : $"/d /s /c \"\"{output.Script}\" >\"{output.Stdout}\" 2>\"{output.Stderr}\"\"",
            WorkingDirectory = Directory(workingDirectory),
        };

        public override string? Script(string commandLine) =>
            "@echo off\r\n" + commandLine.ReplaceLineEndings("\r\n") + "\r\n";
    }
}

/// <summary>How run_command_in_guest ended.</summary>
public enum CommandStatus
{
    /// <summary>The command ended; exit_code, stdout and stderr are set.</summary>
    Completed,
    /// <summary>The command was still running when the wait ended.</summary>
    TimedOut,
    /// <summary>The command was started without waiting for it.</summary>
    Started,
}

/// <summary>The result of run_command_in_guest.</summary>
public sealed record CommandResult(
    string Name,
    string Command,
    string? Arguments,
    long Pid,
    CommandStatus Status,
    int? ExitCode,
    string? Stdout,
    string? Stderr,
    bool StdoutTruncated,
    bool StderrTruncated,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    double? DurationSeconds,
    string? OutputDirectory,
    string Message);

/// <summary>A process in the guest.</summary>
/// <param name="Command">Its full command line (the original's name).</param>
public sealed record GuestProcess(long Pid, string Name, string? Owner, string? Command, DateTimeOffset? StartTime, DateTimeOffset? EndTime, int? ExitCode);

/// <summary>The result of list_guest_processes.</summary>
public sealed record ProcessList(string Name, int Count, IReadOnlyList<GuestProcess> Processes);
