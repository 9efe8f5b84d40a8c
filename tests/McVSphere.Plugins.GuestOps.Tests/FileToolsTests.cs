using System.Security.Cryptography;
using McVSphere.Testing;
using ModelContextProtocol.Client;
using static McVSphere.Plugins.GuestOps.Tests.GuestOpsFixture;

namespace McVSphere.Plugins.GuestOps.Tests;

[Collection(GuestOpsCollection.Name)]
public sealed class FileToolsTests(GuestOpsFixture fixture)
{
    [Fact]
    public async Task Text_makes_a_round_trip_and_the_guest_sees_the_same_bytes()
    {
        const string text = "héllo wörld\nsecond line ✓\n";
        var written = await fixture.Client.CallJsonAsync("write_guest_file", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword, guest_path = "/tmp/text-round-trip.txt", content = text, confirm = true
        });
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(text), written.GetProperty("size").GetInt64());

        var read = await fixture.Client.CallJsonAsync("read_guest_file", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword, guest_path = "/tmp/text-round-trip.txt",
        });
        Assert.Equal("utf-8", read.GetProperty("encoding").GetString());
        Assert.Equal(text, read.GetProperty("content").GetString());

        // The guest's own tools agree on the bytes.
        var checksum = await fixture.Client.CallJsonAsync("run_command_in_guest", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword, command = "sha256sum /tmp/text-round-trip.txt",
        });
        Assert.StartsWith(Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text))), checksum.GetProperty("stdout").GetString());
    }

    [Fact]
    public async Task Binary_content_makes_a_round_trip_byte_for_byte_as_base64()
    {
        var bytes = new byte[300_000];
        new Random(42).NextBytes(bytes);
        bytes[0] = 0xFF; // Not UTF-8.
        await fixture.Client.CallJsonAsync("write_guest_file", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword, guest_path = "/tmp/binary.bin",
            content = Convert.ToBase64String(bytes), encoding = "base64", confirm = true
        });

        var read = await fixture.Client.CallJsonAsync("read_guest_file", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword, guest_path = "/tmp/binary.bin",
        });

        Assert.Equal("base64", read.GetProperty("encoding").GetString());
        Assert.Equal(bytes.Length, read.GetProperty("size").GetInt64());
        Assert.Equal(bytes, Convert.FromBase64String(read.GetProperty("content").GetString()!));
    }

    [Fact]
    public async Task An_existing_file_is_replaced_by_default_once_confirmed_and_kept_with_overwrite_false()
    {
        var arguments = new { name = ToolsVm, username = GuestUser, password = GuestPassword, guest_path = "/tmp/overwrite.txt" };
        // overwrite=false cannot destroy anything, so it needs no confirmation.
        await fixture.Client.CallJsonAsync("write_guest_file", new { arguments.name, arguments.username, arguments.password, arguments.guest_path, content = "first", overwrite = false });

        var refused = await fixture.Client.CallErrorAsync("write_guest_file",
            new { arguments.name, arguments.username, arguments.password, arguments.guest_path, content = "second", overwrite = false });
        Assert.Contains("/tmp/overwrite.txt already exists", refused);
        Assert.Contains("overwrite", refused);
        var unconfirmed = await fixture.Client.CallErrorAsync("write_guest_file", new { arguments.name, arguments.username, arguments.password, arguments.guest_path, content = "second" });
        Assert.Contains("confirm=true", unconfirmed);
        Assert.Equal("first", (await fixture.Client.CallJsonAsync("read_guest_file", arguments)).GetProperty("content").GetString());

        // The default replaces it, as in the original, once confirmed.
        await fixture.Client.CallJsonAsync("write_guest_file", new { arguments.name, arguments.username, arguments.password, arguments.guest_path, content = "second", confirm = true });
        Assert.Equal("second", (await fixture.Client.CallJsonAsync("read_guest_file", arguments)).GetProperty("content").GetString());
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_refused_with_its_size()
    {
        await fixture.Client.CallJsonAsync("run_command_in_guest", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword, command = "head -c 1100000 /dev/zero > /tmp/large.bin",
        });

        var error = await fixture.Client.CallErrorAsync("read_guest_file", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword, guest_path = "/tmp/large.bin",
        });

        Assert.Contains("1100000 bytes", error);
        Assert.Contains("at most 1048576 bytes", error);
    }

    [Fact]
    public async Task A_missing_file_is_reported_with_the_closest_names_in_its_directory()
    {
        await fixture.Client.CallJsonAsync("write_guest_file", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword, guest_path = "/tmp/report-2026.txt", content = "x", overwrite = true, confirm = true,
        });

        var error = await fixture.Client.CallErrorAsync("read_guest_file", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword, guest_path = "/tmp/reprot-2026.txt",
        });

        Assert.Contains($"/tmp/reprot-2026.txt does not exist in the guest of '{ToolsVm}'", error);
        Assert.Contains("/tmp/report-2026.txt", error);
    }

    [Fact]
    public async Task A_file_is_deleted_after_confirmation_and_gone_afterwards()
    {
        var arguments = new { name = ToolsVm, username = GuestUser, password = GuestPassword, guest_path = "/tmp/delete-me.txt" };
        await fixture.Client.CallJsonAsync("write_guest_file", new { arguments.name, arguments.username, arguments.password, arguments.guest_path, content = "bye", confirm = true });

        // Unconfirmed, or a dry run: nothing is deleted.
        var unconfirmed = await fixture.Client.CallErrorAsync("delete_guest_file", arguments);
        Assert.Contains($"delete /tmp/delete-me.txt in the guest OS of '{ToolsVm}'", unconfirmed);
        await fixture.Client.CallToolAsync("delete_guest_file", new Dictionary<string, object?>
        {
            ["name"] = ToolsVm, ["username"] = GuestUser, ["password"] = GuestPassword, ["guest_path"] = "/tmp/delete-me.txt", ["dry_run"] = true,
        });
        Assert.Equal("bye", (await fixture.Client.CallJsonAsync("read_guest_file", arguments)).GetProperty("content").GetString());

        var deleted = await fixture.Client.CallJsonAsync("delete_guest_file", new { arguments.name, arguments.username, arguments.password, arguments.guest_path, confirm = true });

        Assert.Equal("file", deleted.GetProperty("type").GetString());
        var error = await fixture.Client.CallErrorAsync("read_guest_file", arguments);
        Assert.Contains("does not exist", error);
    }

    [Fact]
    public async Task A_relative_path_or_an_unknown_encoding_is_refused_before_reaching_the_guest()
    {
        var relative = await fixture.Client.CallErrorAsync("read_guest_file", new { name = ToolsVm, username = GuestUser, password = GuestPassword, guest_path = "tmp/x" });
        Assert.Contains("guest_path must be an absolute path", relative);

        var encoding = await fixture.Client.CallErrorAsync("write_guest_file", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword, guest_path = "/tmp/x", content = "x", encoding = "utf-16", confirm = true
        });
        Assert.Contains("Unknown encoding 'utf-16'", encoding);
        Assert.Contains("utf-8, base64", encoding);
    }
}
