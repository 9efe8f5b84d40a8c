using System.ComponentModel;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Json;
using McVSphere.Sdk.Progress;
using McVSphere.Sdk.Security;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Transfers;
using McVSphere.VSphere.Vim;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.GuestOps;

/// <summary>
/// Console screenshots: vSphere writes a PNG of the console into the VM's folder on its datastore
/// (CreateScreenshot_Task), which is downloaded over vCenter's datastore HTTP endpoint with the session cookie,
/// deleted from the datastore (also when the download failed: a READ_ONLY call leaves nothing behind), and returned
/// as an MCP image, scaled when asked. A file vSphere will not delete fails the call, naming the file left behind.
/// </summary>
[McpServerToolType]
public sealed partial class ScreenshotTools(GuestOperations guest, ILogger<ScreenshotTools> logger)
{
    /// <summary>How long removing the screenshot file may take, whether or not the call was cancelled.</summary>
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(30);

    private const int MaxDimension = 4096;

    /// <summary>The largest screenshot file downloaded (a 4K console PNG is a few MB).</summary>
    private const long MaxScreenshotBytes = 32 * 1024 * 1024;

    [McpServerTool(Name = "vm_screenshot")]
    [Description("Takes a screenshot of a powered-on VM's console and returns it as a PNG image, scaled to width and/or height when " +
        "given (one of them keeps the aspect ratio). vSphere writes the screenshot as a file in the VM's folder; it is removed again before " +
        "the call returns, and a call that cannot remove it fails, naming the file.")]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<CallToolResult> VmScreenshot(
        [Description(GuestDescriptions.Vm)] string name,
        IProgress<ProgressNotificationValue> progress,
        [Description("Width in pixels to scale the image to (1-4096).")] int? width = null,
        [Description("Height in pixels to scale the image to (1-4096).")] int? height = null,
        CancellationToken cancellationToken = default)
    {
        RequireDimension(width, nameof(width));
        RequireDimension(height, nameof(height));
        var vm = await guest.FindVmAsync(name, cancellationToken);
        var client = guest.Client;
        string? leftBehind;
        var file = await client.CreateScreenshotAsync(vm.Ref, progress.ForVSphereTask($"Screenshot of {vm.Name}"), cancellationToken);
        InventoryObject? datacenter = null;
        byte[] stored;
        try
        {
            datacenter = await client.FindDatacenterOfAsync(vm.Ref, cancellationToken);
            using var buffer = new MemoryStream();
            var download = await client.DownloadDatastoreFileAsync(datacenter.Path, file, buffer, MaxScreenshotBytes, cancellationToken);
            if (download.Truncated)
            {
                throw ToolException.NotSupported($"The screenshot {file} is larger than {MaxScreenshotBytes / (1024 * 1024)} MiB, too large to return.");
            }
            stored = buffer.ToArray();
        }
        finally
        {
            // The file is the call's own: it goes whether the download worked or not. A failure that leaves it is reported below.
            leftBehind = await DeleteAsync(file, datacenter, vm.Ref);
        }
        if (leftBehind is not null)
        {
            throw ToolException.Refused($"The screenshot of '{vm.Name}' was taken, but vSphere did not let the server remove it from the datastore " +
                $"({leftBehind}), so {file} stays in the VM's folder: a change made by this READ_ONLY call. delete_datastore_file removes it " +
                "(or the vSphere account of the server needs the Datastore > Low level file operations privilege).");
        }
        var original = PngScaler.ReadSize(stored)
            ?? throw ToolException.NotSupported($"vSphere stored the screenshot of '{vm.Name}' as {file}, which is not a PNG image.");
        var png = stored;
        if (TargetSize(original, width, height) is { } target && target != original)
        {
            png = PngScaler.Scale(png, target.Width, target.Height);
        }
        var size = PngScaler.ReadSize(png)!.Value;
        var info = new ScreenshotInfo(vm.Name, size.Width, size.Height, original.Width, original.Height, png.Length);
        return new CallToolResult
        {
            Content = [ImageContentBlock.FromBytes(png, "image/png"), new TextContentBlock { Text = McVSphereJson.Serialize(info) }],
        };
    }

    /// <summary>Deletes the screenshot file, also after the call was cancelled; returns why it could not, or null.</summary>
    private async Task<string?> DeleteAsync(DatastorePath file, InventoryObject? datacenter, ManagedObjectReference vm)
    {
        using var timeout = new CancellationTokenSource(CleanupTimeout);
        try
        {
            datacenter ??= await guest.Client.FindDatacenterOfAsync(vm, timeout.Token);
            await guest.Client.DeleteDatastoreFileAsync(file, datacenter.Ref, cancellationToken: timeout.Token);
            return null;
        }
        catch (Exception error) when (error is VSphereException or OperationCanceledException)
        {
            LogCleanupFailed(file.ToString(), error.Message);
            return error.Message;
        }
    }

    /// <summary>The size asked for: both given, or one with the other following the aspect ratio; null for none.</summary>
    private static (int Width, int Height)? TargetSize((int Width, int Height) original, int? width, int? height) => (width, height) switch
    {
        ({ } w, { } h) => (w, h),
        ({ } w, null) => (w, Math.Max(1, (int)Math.Round((double)original.Height * w / original.Width))),
        (null, { } h) => (Math.Max(1, (int)Math.Round((double)original.Width * h / original.Height)), h),
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove the screenshot file {File} from the datastore: {Reason}")]
    private partial void LogCleanupFailed(string file, string reason);

    private static void RequireDimension(int? pixels, string argument)
    {
        if (pixels is < 1 or > MaxDimension)
        {
            throw ToolException.InvalidArgument(argument, $"{argument} must be between 1 and {MaxDimension} pixels; got {pixels}.");
        }
    }
}

/// <summary>What vm_screenshot returned, beside the image.</summary>
public sealed record ScreenshotInfo(string Name, int Width, int Height, int OriginalWidth, int OriginalHeight, long Bytes);
