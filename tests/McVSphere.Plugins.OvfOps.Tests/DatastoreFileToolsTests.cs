using System.Text;

namespace McVSphere.Plugins.OvfOps.Tests;

/// <summary>The datastore file tools, with what they did read back from the datastore.</summary>
public sealed class DatastoreFileToolsTests(OvfOpsFixture fixture) : IClassFixture<OvfOpsFixture>
{
    private const string Datastore = OvfOpsFixture.Datastore;

    [Fact]
    public async Task Uploads_inline_content_and_downloads_it_as_text_or_base64()
    {
        var folder = fixture.UniqueName("inline");
        var binary = new byte[] { 0, 1, 2, 250, 255 };

        var text = await fixture.Client.CallJsonAsync("upload_to_datastore",
            new { datastore = Datastore, remote_path = $"{folder}/notes.txt", content_base64 = Convert.ToBase64String("héllo\n"u8) });
        await fixture.Client.CallJsonAsync("upload_to_datastore",
            new { datastore = Datastore, remote_path = $"[{Datastore}] {folder}/blob.bin", content_base64 = Convert.ToBase64String(binary) });
        var textBack = await fixture.Client.CallJsonAsync("download_from_datastore", new { datastore = Datastore, path = $"{folder}/notes.txt" });
        var binaryBack = await fixture.Client.CallJsonAsync("download_from_datastore", new { datastore = Datastore, path = $"{folder}/blob.bin" });

        Assert.Equal($"[{Datastore}] {folder}/notes.txt", text.GetProperty("path").GetString());
        Assert.Equal(7, text.GetProperty("size_bytes").GetInt64());
        Assert.Equal("héllo\n"u8.ToArray(), await fixture.ReadDatastoreFileAsync($"{folder}/notes.txt"));
        Assert.Equal(("utf-8", "héllo\n"), (textBack.GetProperty("encoding").GetString(), textBack.GetProperty("content").GetString()));
        Assert.Equal("base64", binaryBack.GetProperty("encoding").GetString());
        Assert.Equal(binary, Convert.FromBase64String(binaryBack.GetProperty("content").GetString()!));
    }

    [Fact]
    public async Task A_file_larger_than_max_memory_mb_is_refused_inline_and_saved_with_save_to()
    {
        var folder = fixture.UniqueName("large");
        var content = TestPackages.KnownBytes((1 << 20) + 1, seed: 20);
        await fixture.WriteDatastoreFileAsync($"{folder}/big.bin", content);

        var refused = await fixture.Client.CallErrorAsync("download_from_datastore", new { datastore = Datastore, path = $"{folder}/big.bin", max_memory_mb = 1 });
        var saved = await fixture.Client.CallJsonAsync("download_from_datastore",
            new { datastore = Datastore, path = $"{folder}/big.bin", save_to = $"downloads/{folder}/big.bin", max_memory_mb = 1 });

        Assert.Contains("save_to", refused);
        Assert.Equal(content.Length, saved.GetProperty("size_bytes").GetInt64());
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(fixture.FileRoot, "downloads", folder, "big.bin")));
        Assert.Equal(["big.bin"], Directory.GetFiles(Path.Combine(fixture.FileRoot, "downloads", folder)).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Creates_copies_moves_and_deletes_files_and_folders()
    {
        var root = fixture.UniqueName("files");
        var content = Encoding.UTF8.GetBytes("the original");
        await fixture.WriteDatastoreFileAsync($"{root}/a.txt", content);

        var folder = await fixture.Client.CallJsonAsync("create_datastore_folder", new { datastore = Datastore, path = $"{root}/sub/deeper" });
        var again = await fixture.Client.CallJsonAsync("create_datastore_folder", new { datastore = Datastore, path = $"{root}/sub/deeper" });
        var copied = await fixture.Client.CallJsonAsync("copy_datastore_file",
            new { source_datastore = Datastore, source_path = $"{root}/a.txt", dest_path = $"{root}/sub/deeper" });
        var refused = await fixture.Client.CallErrorAsync("copy_datastore_file",
            new { source_datastore = Datastore, source_path = $"{root}/a.txt", dest_path = $"{root}/sub/deeper/a.txt" });
        var moved = await fixture.Client.CallJsonAsync("move_datastore_file",
            new { source_datastore = Datastore, source_path = $"{root}/a.txt", dest_path = $"{root}/b.txt" });
        var unconfirmed = await fixture.Client.CallErrorAsync("delete_datastore_file", new { datastore = Datastore, path = $"{root}/sub" });
        Assert.NotNull(await fixture.ReadDatastoreFileAsync($"{root}/sub/deeper/a.txt"));
        var deleted = await fixture.Client.CallJsonAsync("delete_datastore_file", new { datastore = Datastore, path = $"{root}/sub", confirm = true });

        Assert.True(folder.GetProperty("created").GetBoolean());
        Assert.False(again.GetProperty("created").GetBoolean());
        Assert.Equal($"[{Datastore}] {root}/sub/deeper/a.txt", copied.GetProperty("destination").GetString());
        Assert.Equal(content.Length, copied.GetProperty("size_bytes").GetInt64());
        Assert.Contains("force=true", refused);
        Assert.Equal(content.Length, moved.GetProperty("size_bytes").GetInt64());
        Assert.Contains("confirm=true", unconfirmed);
        Assert.True(deleted.GetProperty("was_folder").GetBoolean());
        Assert.Equal(content, await fixture.ReadDatastoreFileAsync($"{root}/b.txt"));
        Assert.Null(await fixture.ReadDatastoreFileAsync($"{root}/a.txt"));
        Assert.Null(await fixture.ReadDatastoreFileAsync($"{root}/sub/deeper/a.txt"));
    }

    [Fact]
    public async Task Copy_with_force_replaces_the_destination()
    {
        var root = fixture.UniqueName("force");
        await fixture.WriteDatastoreFileAsync($"{root}/new.txt", "new"u8.ToArray());
        await fixture.WriteDatastoreFileAsync($"{root}/old.txt", "old old"u8.ToArray());

        var copied = await fixture.Client.CallJsonAsync("copy_datastore_file",
            new { source_datastore = Datastore, source_path = $"{root}/new.txt", dest_path = $"{root}/old.txt", force = true, confirm = true });

        Assert.Equal(3, copied.GetProperty("size_bytes").GetInt64());
        Assert.Equal("new"u8.ToArray(), await fixture.ReadDatastoreFileAsync($"{root}/old.txt"));
    }

    [Fact]
    public async Task Missing_files_and_bad_paths_are_answered_with_what_to_do()
    {
        var missing = await fixture.Client.CallErrorAsync("delete_datastore_file", new { datastore = Datastore, path = "no/such/file.txt", confirm = true });
        var climbing = await fixture.Client.CallErrorAsync("download_from_datastore", new { datastore = Datastore, path = "../etc/passwd" });
        var otherDatastore = await fixture.Client.CallErrorAsync("download_from_datastore", new { datastore = Datastore, path = "[Other] x.txt" });
        var unknownDatastore = await fixture.Client.CallErrorAsync("create_datastore_folder", new { datastore = "LocalDS_1", path = "x" });

        Assert.Contains("does not exist", missing);
        Assert.Contains("browse_datastore", missing);
        Assert.Contains("'..'", climbing);
        Assert.Contains("Other", otherDatastore);
        Assert.Contains("LocalDS_0", unknownDatastore);
    }
}
