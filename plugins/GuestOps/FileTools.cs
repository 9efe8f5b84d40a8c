using System.ComponentModel;
using System.Text;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Safety;
using McVSphere.Sdk.Security;
using McVSphere.VSphere.Transfers;
using McVSphere.VSphere.Vim;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.GuestOps;

/// <summary>
/// Reading, writing and deleting files in the guest. File contents travel through the guest file transfer API
/// (InitiateFileTransferFromGuest / ToGuest, then an HTTP GET or PUT), streamed over the vCenter connection.
/// </summary>
[McpServerToolType]
public sealed class FileTools(GuestOperations guest)
{
    /// <summary>The largest file read_guest_file returns: an assistant reads no more at once.</summary>
    private const long MaxReadBytes = 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [McpServerTool(Name = "read_guest_file", ReadOnly = true, Idempotent = true, UseStructuredContent = true)]
    [Description("Reads a file in the guest OS through VMware Tools, up to 1 MiB. Text (valid UTF-8) comes back as is with encoding \"utf-8\"; " +
        "anything else base64-encoded with encoding \"base64\". Guest credentials: username and password, or those configured on the server for the VM.")]
    [RequiresPermission(PermissionLevel.FullAdmin)]
    public async Task<GuestFileContent> ReadGuestFile(
        [Description(GuestDescriptions.Vm)] string name,
        [Description(GuestDescriptions.GuestPath)] string guest_path,
        [Description(GuestDescriptions.Username)] string? username = null,
        [Description(GuestDescriptions.Password)] string? password = null,
        CancellationToken cancellationToken = default)
    {
        GuestPath.RequireAbsolute(guest_path, nameof(guest_path));
        var vm = await guest.OpenAsync(name, username, password, cancellationToken);
        var client = guest.Client;
        using var buffer = new MemoryStream();
        var (transfer, download) = await guest.RunAsync(vm, guest_path, async () =>
        {
            var transfer = await client.InitiateFileTransferFromGuestAsync(vm.Ref, vm.Auth, guest_path, cancellationToken);
            if (transfer.Size > MaxReadBytes)
            {
                throw TooLarge(vm, guest_path, transfer.Size);
            }
            return (transfer, await client.DownloadGuestFileAsync(vm.Ref, transfer.Url, buffer, MaxReadBytes, cancellationToken));
        });
        if (download.Truncated)
        {
            throw TooLarge(vm, guest_path, null); // It grew after the transfer began.
        }
        var bytes = new ReadOnlySpan<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
        var (encoding, content) = Encode(bytes);
        return new GuestFileContent(vm.Name, guest_path, bytes.Length, encoding, content, transfer.ModificationTime);
    }

    [McpServerTool(Name = "write_guest_file", Destructive = true, UseStructuredContent = true)]
    [Description("Writes a file in the guest OS through VMware Tools: content as text (UTF-8), or base64-encoded bytes with encoding=\"base64\". " +
        "An existing file is replaced (as in the original mcvsphere), behind a confirmation; overwrite=false refuses to replace one and needs none. " +
        "Guest credentials: username and password, or those configured on the server for the VM.")]
    [RequiresPermission(PermissionLevel.FullAdmin)]
    [Change("write the file {guest_path} in the guest OS of '{name}', replacing it if it exists", DestroysWhen = "overwrite")]
    public async Task<WrittenFile> WriteGuestFile(
        [Description(GuestDescriptions.Vm)] string name,
        [Description(GuestDescriptions.GuestPath)] string guest_path,
        [Description("The file's content: text, or base64 with encoding=\"base64\".")] string content,
        [Description(GuestDescriptions.Username)] string? username = null,
        [Description(GuestDescriptions.Password)] string? password = null,
        [Description("Replace the file if it exists (default true); false refuses to.")] bool overwrite = true,
        [Description("How content is given: \"utf-8\" (text, the default) or \"base64\" (any bytes).")] string encoding = FileEncodings.Utf8,
        CancellationToken cancellationToken = default)
    {
        GuestPath.RequireAbsolute(guest_path, nameof(guest_path));
        var bytes = Decode(content, encoding);
        var vm = await guest.OpenAsync(name, username, password, cancellationToken);
        var client = guest.Client;
        await guest.RunAsync(vm, guest_path, async () =>
        {
            var url = await client.InitiateFileTransferToGuestAsync(vm.Ref, vm.Auth, guest_path, bytes.Length, overwrite, cancellationToken);
            using var stream = new MemoryStream(bytes, writable: false);
            await client.UploadGuestFileAsync(vm.Ref, url, stream, bytes.Length, cancellationToken);
        }, existsHint: " and overwrite=false: leave overwrite out (or true) to replace it");
        var written = await guest.StatAsync(vm, guest_path, cancellationToken) ?? throw await guest.NotFoundAsync(vm, guest_path);
        return new WrittenFile(vm.Name, guest_path, written.Size, written.ModificationTime,
            $"Wrote {written.Size} bytes to {guest_path} in '{vm.Name}'.");
    }

    [McpServerTool(Name = "delete_guest_file", Destructive = true, UseStructuredContent = true)]
    [Description("Deletes a file in the guest OS through VMware Tools, or a directory with everything in it (as in the original mcvsphere; " +
        "recursive=false deletes only an empty one). Guest credentials: username and password, or those configured on the server for the VM.")]
    [RequiresPermission(PermissionLevel.FullAdmin)]
    [Change("delete {guest_path} in the guest OS of '{name}'", Destroys = true)]
    public async Task<DeletedEntry> DeleteGuestFile(
        [Description(GuestDescriptions.Vm)] string name,
        [Description(GuestDescriptions.GuestPath)] string guest_path,
        [Description(GuestDescriptions.Username)] string? username = null,
        [Description(GuestDescriptions.Password)] string? password = null,
        [Description("Delete a directory with everything in it (default true); false deletes only an empty directory.")] bool recursive = true,
        CancellationToken cancellationToken = default)
    {
        GuestPath.RequireAbsolute(guest_path, nameof(guest_path));
        var vm = await guest.OpenAsync(name, username, password, cancellationToken);
        var client = guest.Client;
        var entry = await guest.StatAsync(vm, guest_path, cancellationToken) ?? throw await guest.NotFoundAsync(vm, guest_path);
        await guest.RunAsync(vm, guest_path, () => entry.Type == GuestFileType.Directory
            ? client.DeleteDirectoryInGuestAsync(vm.Ref, vm.Auth, guest_path, recursive, cancellationToken)
            : client.DeleteFileInGuestAsync(vm.Ref, vm.Auth, guest_path, cancellationToken));
        if (await guest.StatAsync(vm, guest_path, cancellationToken) is not null)
        {
            throw ToolException.Refused($"{guest_path} is still there in the guest of '{vm.Name}' after deleting it: something in the guest keeps it.");
        }
        return new DeletedEntry(vm.Name, guest_path, entry.Type, $"Deleted the {entry.Type.ToString().ToLowerInvariant()} {guest_path} in '{vm.Name}'.");
    }

    private static ToolException TooLarge(GuestVm vm, string guestPath, long? size) =>
        ToolException.InvalidArgument("guest_path",
            $"{guestPath} in the guest of '{vm.Name}' is {(size is { } bytes ? $"{bytes} bytes" : "larger than that")}; read_guest_file returns files of " +
            $"at most {MaxReadBytes} bytes (1 MiB). run_command_in_guest with head, tail or grep reads a part of it.");

    /// <summary>Text when the bytes are valid UTF-8, else base64.</summary>
    private static (string Encoding, string Content) Encode(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return (FileEncodings.Utf8, StrictUtf8.GetString(bytes));
        }
        catch (DecoderFallbackException)
        {
            return (FileEncodings.Base64, Convert.ToBase64String(bytes));
        }
    }

    private static byte[] Decode(string content, string? encoding)
    {
        switch (encoding?.Trim().ToLowerInvariant())
        {
            case FileEncodings.Utf8 or "utf8" or null or "":
                return StrictUtf8.GetBytes(content);
            case FileEncodings.Base64:
                try
                {
                    return Convert.FromBase64String(content);
                }
                catch (FormatException)
                {
                    throw ToolException.InvalidArgument(nameof(content), "content is not valid base64, as encoding=\"base64\" says it is.");
                }
            default:
                throw ToolException.InvalidArgument(nameof(encoding), $"Unknown encoding '{encoding}'.", [FileEncodings.Utf8, FileEncodings.Base64]);
        }
    }
}

/// <summary>How file contents are given and returned.</summary>
internal static class FileEncodings
{
    public const string Utf8 = "utf-8";

    public const string Base64 = "base64";
}

/// <summary>The result of read_guest_file.</summary>
public sealed record GuestFileContent(string Name, string GuestPath, long Size, string Encoding, string Content, DateTimeOffset? Modified);

/// <summary>The result of write_guest_file, read back from the guest.</summary>
public sealed record WrittenFile(string Name, string GuestPath, long Size, DateTimeOffset? Modified, string Message);

/// <summary>The result of delete_guest_file.</summary>
public sealed record DeletedEntry(string Name, string GuestPath, GuestFileType Type, string Message);
