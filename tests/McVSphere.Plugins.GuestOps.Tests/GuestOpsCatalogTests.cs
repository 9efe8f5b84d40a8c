using ModelContextProtocol.Client;

namespace McVSphere.Plugins.GuestOps.Tests;

/// <summary>Parity with the tool catalog for the GuestOps tools.</summary>
[Collection(GuestOpsCollection.Name)]
public sealed class GuestOpsCatalogTests(GuestOpsFixture fixture)
{
    /// <summary>
    /// Each tool, its permission level and the catalog's parameters (optional ones marked '?'); tools may take more
    /// optional ones. username and password are optional here, unlike the original's: omitted, the credentials
    /// configured on the server for the VM apply.
    /// </summary>
    public static TheoryData<string, string, string> Catalog => new()
    {
        { "run_command_in_guest", "FULL_ADMIN", "name,username?,password?,command,arguments?,working_directory?,wait_for_completion?,timeout_seconds?" },
        { "list_guest_processes", "FULL_ADMIN", "name,username?,password?" },
        { "read_guest_file", "FULL_ADMIN", "name,username?,password?,guest_path" },
        { "write_guest_file", "FULL_ADMIN", "name,username?,password?,guest_path,content,overwrite?" },
        { "list_guest_directory", "FULL_ADMIN", "name,username?,password?,guest_path" },
        { "create_guest_directory", "FULL_ADMIN", "name,username?,password?,guest_path,create_parents?" },
        { "delete_guest_file", "FULL_ADMIN", "name,username?,password?,guest_path" },
        { "get_vm_tools_status", "READ_ONLY", "name" },
        { "wait_for_vm_tools", "READ_ONLY", "name,timeout?,poll_interval?" },
        { "vm_screenshot", "READ_ONLY", "name,width?,height?" },
    };

    [Theory]
    [MemberData(nameof(Catalog))]
    public async Task Tool_has_the_catalogs_level_and_parameters(string name, string level, string parameters)
    {
        var tool = Assert.Single(await fixture.Client.ListToolsAsync(), candidate => candidate.Name == name).ProtocolTool;

        Assert.Equal(level, tool.Meta!["io.mcvsphere/permission"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(tool.Description));
        var properties = tool.InputSchema.GetProperty("properties").EnumerateObject().Select(property => property.Name).ToHashSet();
        var required = tool.InputSchema.TryGetProperty("required", out var list)
            ? list.EnumerateArray().Select(item => item.GetString()!).ToHashSet()
            : [];
        var expected = parameters.Split(',');
        Assert.Subset(properties, expected.Select(parameter => parameter.TrimEnd('?')).ToHashSet());
        Assert.Equal(expected.Where(parameter => !parameter.EndsWith('?')).ToHashSet(), required);
    }
}
