using System.ComponentModel;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Json;
using McVSphere.Sdk.Progress;
using McVSphere.Sdk.Security;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Transfers;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.GuestOps;

/// <summary>
/// Console screenshots: vSphere writes a PNG of the console into the VM's folder on its datastore
/// (CreateScreenshot_Task), which is downloaded over vCenter's datastore HTTP endpoint with the session cookie and
/// returned as an MCP image, scaled when asked.
/// </summary>
[McpServerToolType]
public sealed class ScreenshotTools(GuestOperations guest)
{
    private const int MaxDimension = 4096;

    /// <summary>The largest screenshot file downloaded (a 4K console PNG is a few MB).</summary>
    private const long MaxScreenshotBytes = 32 * 1024 * 1024;

    [McpServerTool(Name = "vm_screenshot")]
    [Description("Takes a screenshot of a powered-on VM's console and returns it as a PNG image, scaled to width and/or height when " +
        "given (one of them keeps the aspect ratio). Also says where vSphere stored the full-size file on the datastore.")]
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
        var file = await client.CreateScreenshotAsync(vm.Ref, progress.ForVSphereTask($"Screenshot of {vm.Name}"), cancellationToken);
        var datacenter = await client.FindDatacenterOfAsync(vm.Ref, cancellationToken);

        using var buffer = new MemoryStream();
        var download = await client.DownloadDatastoreFileAsync(datacenter.Path, file, buffer, MaxScreenshotBytes, cancellationToken);
        if (download.Truncated)
        {
            throw ToolException.NotSupported($"The screenshot {file} is larger than {MaxScreenshotBytes / (1024 * 1024)} MiB, too large to return.");
        }
        var png = buffer.ToArray();
        var original = PngScaler.ReadSize(png)
            ?? throw ToolException.NotSupported($"vSphere stored the screenshot of '{vm.Name}' as {file}, which is not a PNG image.");
        if (TargetSize(original, width, height) is { } target && target != original)
        {
            png = PngScaler.Scale(png, target.Width, target.Height);
        }
        var size = PngScaler.ReadSize(png)!.Value;
        var info = new ScreenshotInfo(vm.Name, file.ToString(), size.Width, size.Height, original.Width, original.Height, png.Length);
        return new CallToolResult
        {
            Content = [ImageContentBlock.FromBytes(png, "image/png"), new TextContentBlock { Text = McVSphereJson.Serialize(info) }],
        };
    }

    /// <summary>The size asked for: both given, or one with the other following the aspect ratio; null for none.</summary>
    private static (int Width, int Height)? TargetSize((int Width, int Height) original, int? width, int? height) => (width, height) switch
    {
        ({ } w, { } h) => (w, h),
        ({ } w, null) => (w, Math.Max(1, (int)Math.Round((double)original.Height * w / original.Width))),
        (null, { } h) => (Math.Max(1, (int)Math.Round((double)original.Width * h / original.Height)), h),
        _ => null,
    };

    private static void RequireDimension(int? pixels, string argument)
    {
        if (pixels is < 1 or > MaxDimension)
        {
            throw ToolException.InvalidArgument(argument, $"{argument} must be between 1 and {MaxDimension} pixels; got {pixels}.");
        }
    }
}

/// <summary>What vm_screenshot returned, beside the image.</summary>
/// <param name="DatastorePath">Where vSphere keeps the full-size screenshot.</param>
public sealed record ScreenshotInfo(string Name, string DatastorePath, int Width, int Height, int OriginalWidth, int OriginalHeight, long Bytes);
