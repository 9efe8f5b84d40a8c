using System.Text.Json;
using McVSphere.Testing;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;
using ModelContextProtocol.Client;

namespace McVSphere.IntegrationTests;

/// <summary>
/// A team moving over from the Python mcvsphere keeps its prompts: the original's calls, with its argument names and
/// defaults, work unchanged, and its result fields are there (docs/migrating.md lists every difference that stays).
/// </summary>
public class OriginalCallsTests : IAsyncLifetime
{
    private SimulatorProcess _simulator = null!;
    private McpClient _client = null!;

    public async Task InitializeAsync()
    {
        _simulator = await SimulatorProcess.StartAsync();
        _client = await HostProcess.StartStdioAsync(new Dictionary<string, string?>(_simulator.HostEnvironment));
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _simulator.DisposeAsync();
    }

    [Fact]
    public async Task A_vm_session_as_the_original_documents_it_returns_the_original_fields()
    {
        const string vm = "original-calls";
        await _client.CallJsonAsync("create_vm", new { name = vm, cpu = 1, memory_mb = 512, disk_gb = 1 });

        var disks = await _client.CallJsonAsync("list_disks", new { vm_name = vm });
        AssertFields(disks.GetProperty("disks")[0], "label", "size_gb", "file", "thin_provisioned", "mode");
        var nics = await _client.CallJsonAsync("list_nics", new { vm_name = vm });
        AssertFields(nics.GetProperty("nics")[0], "label", "mac_address", "mac_type", "network", "connected");

        await _client.CallJsonAsync("power_on", new { name = vm });
        // The original's default includes memory, so the snapshot of a running VM resumes running.
        var taken = await _client.CallJsonAsync("create_snapshot", new { name = vm, snapshot_name = "before-patch", description = "clean" });
        Assert.Equal("poweredOn", taken.GetProperty("snapshot").GetProperty("state").GetString());
        var snapshots = await _client.CallJsonAsync("list_snapshots", new { name = vm });
        AssertFields(snapshots.GetProperty("snapshots")[0], "name", "description", "created", "state");

        // What VMware Tools would report of the guest (the test bed's SET.* hooks; fields without a value are left out).
        await using (var vsphere = SimulatorVSphere.Connect(_simulator))
        {
            var found = (await vsphere.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, vm)).Ref;
            await vsphere.ReconfigureVmAsync(found, new VirtualMachineConfigSpec
            {
                ExtraConfig =
                [
                    new OptionValue("SET.guest.ipAddress", "10.0.0.9"), new OptionValue("SET.guest.hostName", "web-09"),
                    new OptionValue("SET.guest.guestFullName", "Ubuntu Linux (64-bit)"),
                ],
            });
        }
        var tools = await _client.CallJsonAsync("get_vm_tools_status", new { name = vm });
        AssertFields(tools, "tools_status", "tools_running_status", "ip_address", "hostname", "guest_os");
        Assert.Equal("web-09", tools.GetProperty("hostname").GetString());
        var wait = await _client.CallJsonAsync("wait_for_vm_tools", new { name = vm, timeout = 1 });
        AssertFields(wait, "ready", "timeout");
        Assert.True(wait.GetProperty("timeout").GetBoolean());

        var events = await _client.CallJsonAsync("get_recent_events", new { count = 20 });
        Assert.NotEmpty(events.GetProperty("events").EnumerateArray());
        // vSphere names the user of the events the host's calls caused.
        Assert.Contains(events.GetProperty("events").EnumerateArray(),
            @event => @event.TryGetProperty("username", out var user) && user.GetString() == _simulator.User);

        // The original powers a running VM off before deleting it; here the same call, once confirmed.
        var deleted = await _client.CallJsonAsync("delete_vm", new { name = vm, confirm = true });
        Assert.True(deleted.GetProperty("powered_off_first").GetBoolean());
    }

    [Fact]
    public async Task Host_calls_as_the_original_documents_them_return_the_original_fields()
    {
        var info = await _client.CallJsonAsync("get_host_info", new { host_name = "DC0_H0" });
        AssertFields(info, "uuid", "management_ip", "connection_state", "power_state", "in_maintenance_mode");
        var networking = await _client.CallJsonAsync("get_host_networking", new { host_name = "DC0_H0" });
        AssertFields(networking, "vswitches", "portgroups", "vmkernel_adapters");
        Assert.NotEmpty(networking.GetProperty("vswitches").EnumerateArray());
    }

    [Theory]
    [InlineData("create_snapshot", "memory", true)]
    [InlineData("write_guest_file", "overwrite", true)]
    [InlineData("delete_guest_file", "recursive", true)]
    [InlineData("enter_maintenance_mode", "evacuate_vms", true)]
    [InlineData("delete_vm", "force", true)]
    public async Task The_original_defaults_are_the_advertised_defaults(string tool, string argument, bool expected)
    {
        var listed = Assert.Single(await _client.ListToolsAsync(), candidate => candidate.Name == tool);

        var property = listed.ProtocolTool.InputSchema.GetProperty("properties").GetProperty(argument);

        Assert.Equal(expected, property.GetProperty("default").GetBoolean());
    }

    [Fact]
    public async Task Folder_paths_as_the_original_wrote_them_resolve()
    {
        await _client.CallJsonAsync("create_folder", new { folder_name = "Prod" });
        await _client.CallJsonAsync("create_folder", new { folder_name = "Web", parent_path = "Prod" });
        await _client.CallJsonAsync("create_vm", new { name = "filed-vm" });

        foreach (var path in new[] { "Prod/Web", "vm/Prod/Web", "DC0/vm/Prod/Web" })
        {
            var moved = await _client.CallJsonAsync("move_vm_to_folder", new { vm_name = "filed-vm", folder_path = path });
            Assert.Equal("DC0/vm/Prod/Web", moved.GetProperty("folder").GetString());
        }
    }

    [Fact]
    public async Task The_original_dotenv_in_the_working_directory_configures_the_host_and_the_environment_wins()
    {
        var directory = Directory.CreateTempSubdirectory("mcvsphere-dotenv-").FullName;
        try
        {
            var environment = new Dictionary<string, string?>(_simulator.HostEnvironment);
            // The connection comes from the .env only; the environment's VCENTER_DATACENTER beats the file's.
            File.WriteAllLines(Path.Combine(directory, ".env"),
            [
                "# as the original's docs write it",
                $"VCENTER_HOST={environment["VCENTER_HOST"]}",
                $"export VCENTER_USER='{environment["VCENTER_USER"]}'",
                $"VCENTER_PASSWORD=\"{environment["VCENTER_PASSWORD"]}\"",
                "VCENTER_DATACENTER=NoSuchDatacenter",
            ]);
            foreach (var name in new[] { "VCENTER_HOST", "VCENTER_USER", "VCENTER_PASSWORD" })
            {
                environment[name] = null;
            }
            environment["VCENTER_DATACENTER"] = "DC0";
            await using var client = await HostProcess.StartStdioAsync(environment, workingDirectory: directory);

            var info = await client.CallJsonAsync("get_vcenter_info");
            var folder = await client.CallJsonAsync("create_folder", new { folder_name = "from-dotenv" });

            Assert.Equal("VMware vCenter Server", info.GetProperty("name").GetString());
            Assert.Equal("DC0/vm/from-dotenv", folder.GetProperty("path").GetString());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Each of <paramref name="names"/> is a property of <paramref name="element"/>.</summary>
    private static void AssertFields(JsonElement element, params string[] names)
    {
        var missing = names.Where(name => !element.TryGetProperty(name, out _)).ToArray();
        Assert.True(missing.Length == 0, $"missing the original's fields {string.Join(", ", missing)} in {element.GetRawText()}");
    }
}
