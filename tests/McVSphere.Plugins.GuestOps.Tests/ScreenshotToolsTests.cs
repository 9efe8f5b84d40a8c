using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using BigGustave;
using McVSphere.Testing;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using static McVSphere.Plugins.GuestOps.Tests.GuestOpsFixture;

namespace McVSphere.Plugins.GuestOps.Tests;

[Collection(GuestOpsCollection.Name)]
public sealed class ScreenshotToolsTests(GuestOpsFixture fixture)
{
    [Fact]
    public async Task A_screenshot_is_a_png_image_of_the_console()
    {
        var (png, info) = await ScreenshotAsync(new Dictionary<string, object?> { ["name"] = NoToolsVm });

        Assert.Equal((800, 600), DecodeSize(png));
        Assert.Equal(800, info.GetProperty("width").GetInt32());
    }

    [Fact]
    public async Task A_screenshot_leaves_no_file_in_the_vms_folder()
    {
        await ScreenshotAsync(new Dictionary<string, object?> { ["name"] = NoToolsVm });
        await ScreenshotAsync(new Dictionary<string, object?> { ["name"] = NoToolsVm, ["width"] = 200 });

        Assert.Empty(await ScreenshotFilesAsync());
    }

    [Fact]
    public async Task A_screenshot_that_cannot_be_used_is_removed_all_the_same()
    {
        await fixture.ReconfigureAsync(NoToolsVm, new OptionValue("vcsim.screenshot", "not-png"));
        try
        {
            var error = await fixture.Client.CallErrorAsync("vm_screenshot", new { name = NoToolsVm });

            Assert.Contains("not a PNG image", error);
            Assert.Empty(await ScreenshotFilesAsync());
        }
        finally
        {
            await fixture.ReconfigureAsync(NoToolsVm, new OptionValue("vcsim.screenshot", "normal"));
        }
    }

    [Fact]
    public async Task A_screenshot_vsphere_will_not_delete_fails_the_call_naming_the_file_left_behind()
    {
        await fixture.ReconfigureAsync(NoToolsVm, new OptionValue("vcsim.screenshot", "undeletable"));
        string left;
        try
        {
            var error = await fixture.Client.CallErrorAsync("vm_screenshot", new { name = NoToolsVm });

            left = Assert.Single(await ScreenshotFilesAsync());
            Assert.Contains($"[LocalDS_0] {NoToolsVm}/{left} stays", error);
            Assert.Contains("delete_datastore_file", error);
        }
        finally
        {
            await fixture.ReconfigureAsync(NoToolsVm, new OptionValue("vcsim.screenshot", "normal"));
        }
        var datacenter = await fixture.VSphere.FindDatacenterOfAsync((await VmFolderAsync()).Datastore.Ref);
        await fixture.VSphere.DeleteDatastoreFileAsync(new DatastorePath("LocalDS_0", $"{NoToolsVm}/{left}"), datacenter.Ref);
    }

    [Fact]
    public async Task A_screenshot_is_scaled_to_a_width_keeping_the_aspect_ratio_or_to_both_dimensions()
    {
        var (byWidth, info) = await ScreenshotAsync(new Dictionary<string, object?> { ["name"] = NoToolsVm, ["width"] = 400 });
        Assert.Equal((400, 300), DecodeSize(byWidth));
        Assert.Equal(800, info.GetProperty("original_width").GetInt32());

        var (both, _) = await ScreenshotAsync(new Dictionary<string, object?> { ["name"] = NoToolsVm, ["width"] = 123, ["height"] = 77 });
        Assert.Equal((123, 77), DecodeSize(both));
    }

    [Fact]
    public async Task A_scaled_screenshot_keeps_the_colours_of_the_consoles_areas()
    {
        var (original, _) = await ScreenshotAsync(new Dictionary<string, object?> { ["name"] = NoToolsVm });
        var (half, _) = await ScreenshotAsync(new Dictionary<string, object?> { ["name"] = NoToolsVm, ["width"] = 400 });
        var (large, small) = (Png.Open(original), Png.Open(half));

        // The right end of the title bar, the middle of the empty console, the status bar at the bottom: uniform areas.
        foreach (var (x, y) in new[] { (792, 8), (600, 300), (600, 590) })
        {
            var (expected, actual) = (large.GetPixel(x, y), small.GetPixel(x / 2, y / 2));
            Assert.True((expected.R, expected.G, expected.B) == (actual.R, actual.G, actual.B),
                $"pixel ({x / 2}, {y / 2}) of the half-size screenshot is {actual}, but the area it shrinks is {expected}");
        }
        Assert.NotEqual(large.GetPixel(792, 8), large.GetPixel(600, 300));
    }

    [Fact]
    public async Task A_dimension_out_of_range_is_refused()
    {
        var error = await fixture.Client.CallErrorAsync("vm_screenshot", new { name = NoToolsVm, width = 0 });

        Assert.Contains("width must be between 1 and 4096", error);
    }

    /// <summary>The PNG files in the screenshot VM's folder, as the datastore browser lists them.</summary>
    private async Task<IReadOnlyList<string>> ScreenshotFilesAsync()
    {
        var (datastore, folder) = await VmFolderAsync();
        var listing = await fixture.VSphere.SearchDatastoreAsync(datastore.Ref, folder, new HostDatastoreBrowserSearchSpec { MatchPattern = ["*.png"] });
        return listing.Files.Select(file => file.Path).ToArray();
    }

    private async Task<(InventoryObject Datastore, string Folder)> VmFolderAsync() =>
        (await fixture.VSphere.Lookup.FindAsync(VSphereObjectKind.Datastore, "LocalDS_0"), $"[LocalDS_0] {NoToolsVm}");

    private async Task<(byte[] Png, JsonElement Info)> ScreenshotAsync(Dictionary<string, object?> arguments)
    {
        var result = await fixture.Client.CallToolAsync("vm_screenshot", arguments);
        Assert.False(result.IsError == true, McpClientExtensions.Text(result));
        var image = Assert.Single(result.Content.OfType<ImageContentBlock>());
        Assert.Equal("image/png", image.MimeType);
        return (image.DecodedData.ToArray(), JsonDocument.Parse(McpClientExtensions.Text(result)).RootElement.Clone());
    }

    /// <summary>
    /// Reads a PNG as a decoder would: the signature, every chunk's CRC, IHDR first and IEND last, a palette for an
    /// indexed image, and IDAT data that inflates to exactly one filter byte plus the pixel bytes per row; returns its size.
    /// </summary>
    private static (int Width, int Height) DecodeSize(byte[] png)
    {
        Assert.Equal([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
        var chunks = new List<(string Type, byte[] Data)>();
        for (var at = 8; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png[(at + 8)..(at + 8 + length)];
            Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length)), Crc32(png.AsSpan(at + 4, 4 + length)));
            chunks.Add((type, data));
            at += 12 + length;
        }
        Assert.Equal("IHDR", chunks[0].Type);
        Assert.Equal("IEND", chunks[^1].Type);
        var header = chunks[0].Data;
        var (width, height) = (BinaryPrimitives.ReadInt32BigEndian(header), BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)));
        var (bitDepth, colorType, interlace) = (header[8], header[9], header[12]);
        Assert.Contains(bitDepth, new byte[] { 1, 2, 4, 8, 16 });
        Assert.Equal(0, interlace);
        var channels = colorType switch { 0 or 3 => 1, 4 => 2, 2 => 3, 6 => 4, _ => throw new Xunit.Sdk.XunitException($"unexpected colour type {colorType}") };
        if (colorType == 3)
        {
            Assert.Contains(chunks, chunk => chunk.Type == "PLTE");
        }

        using var compressed = new MemoryStream(chunks.Where(chunk => chunk.Type == "IDAT").SelectMany(chunk => chunk.Data).ToArray());
        using var inflater = new ZLibStream(compressed, CompressionMode.Decompress);
        using var pixels = new MemoryStream();
        inflater.CopyTo(pixels);
        var rowBytes = ((width * channels * bitDepth) + 7) / 8;
        Assert.Equal((long)height * (1 + rowBytes), pixels.Length);
        return (width, height);
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var value in bytes)
        {
            crc ^= value;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }
        return ~crc;
    }
}
