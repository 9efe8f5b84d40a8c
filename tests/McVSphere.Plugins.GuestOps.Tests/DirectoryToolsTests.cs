using McVSphere.Testing;
using static McVSphere.Plugins.GuestOps.Tests.GuestOpsFixture;

namespace McVSphere.Plugins.GuestOps.Tests;

[Collection(GuestOpsCollection.Name)]
public sealed class DirectoryToolsTests(GuestOpsFixture fixture)
{
    [Fact]
    public async Task A_directory_is_created_with_its_parents_and_listed_with_its_entries()
    {
        var created = await fixture.Client.CallJsonAsync("create_guest_directory", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword, guest_path = "/tmp/tree/a/b",
        });
        Assert.Equal("directory", created.GetProperty("type").GetString());
        await fixture.Client.CallJsonAsync("write_guest_file", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword, guest_path = "/tmp/tree/a/notes.txt", content = "12345", confirm = true
        });

        var listing = await fixture.Client.CallJsonAsync("list_guest_directory", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword, guest_path = "/tmp/tree/a",
        });

        var entries = listing.GetProperty("entries").EnumerateArray().ToDictionary(entry => entry.GetProperty("name").GetString()!);
        Assert.Equal(["b", "notes.txt"], entries.Keys.Order());
        Assert.Equal("directory", entries["b"].GetProperty("type").GetString());
        Assert.Equal("file", entries["notes.txt"].GetProperty("type").GetString());
        Assert.Equal(5, entries["notes.txt"].GetProperty("size").GetInt64());
        Assert.Equal("0644", entries["notes.txt"].GetProperty("mode").GetString());
    }

    [Fact]
    public async Task Without_create_parents_a_missing_parent_is_an_error()
    {
        var error = await fixture.Client.CallErrorAsync("create_guest_directory", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword, guest_path = "/tmp/no-such-parent/child", create_parents = false,
        });

        Assert.Contains("/tmp/no-such-parent does not exist", error);
    }

    [Fact]
    public async Task A_directory_with_contents_is_deleted_by_default_and_kept_with_recursive_false()
    {
        await fixture.Client.CallJsonAsync("create_guest_directory", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword, guest_path = "/tmp/full-dir/inner",
        });
        // The host asks for a confirmation of deletions; a client without elicitation gives it as confirm=true.
        var arguments = new { name = ToolsVm, username = GuestUser, password = GuestPassword, guest_path = "/tmp/full-dir", confirm = true };

        var refused = await fixture.Client.CallErrorAsync("delete_guest_file", new { arguments.name, arguments.username, arguments.password, arguments.guest_path, arguments.confirm, recursive = false });
        Assert.Contains("/tmp/full-dir is not empty", refused);
        Assert.Contains("recursive=false", refused);

        // As in the original, the default deletes it with everything in it.
        var deleted = await fixture.Client.CallJsonAsync("delete_guest_file", arguments);
        Assert.Equal("directory", deleted.GetProperty("type").GetString());
        var tmp = await fixture.Client.CallJsonAsync("list_guest_directory", new { arguments.name, arguments.username, arguments.password, guest_path = "/tmp" });
        Assert.DoesNotContain(tmp.GetProperty("entries").EnumerateArray(), entry => entry.GetProperty("name").GetString() == "full-dir");
    }
}
