using System.Text.Json;
using McVSphere.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McVSphere.Plugins.Inventory.Tests;

[Collection(InventoryCollection.Name)]
public class VmInventoryTests(InventoryFixture fixture)
{
    [Fact]
    public async Task List_vms_returns_every_vm_with_its_state_and_placement()
    {
        var result = await fixture.Client.CallJsonAsync("list_vms");

        Assert.Equal(4, result.Int("total"));
        Assert.Equal(4, result.Int("returned"));
        Assert.False(result.Bool("truncated"));
        var vms = result.Items().ToDictionary(vm => vm.String("name")!);
        Assert.Equal(["DC0_C0_RP0_VM0", "DC0_C0_RP0_VM1", "DC0_H0_VM0", "DC0_H0_VM1"], result.Items().Strings());

        var clustered = vms["DC0_C0_RP0_VM0"];
        Assert.Equal("poweredOn", clustered.String("power_state"));
        Assert.Equal("DC0_C0", clustered.String("cluster"));
        Assert.Matches("^DC0_C0_H[0-2]$", clustered.String("host"));
        Assert.Equal("DC0/vm", clustered.String("folder"));
        Assert.Equal(1, clustered.Int("cpu"));
        Assert.Equal(32, clustered.Int("memory_mb"));
        Assert.Equal("otherGuest", clustered.String("guest_os"));
        Assert.Equal("toolsNotInstalled", clustered.String("tools_status"));
        Assert.False(clustered.Bool("template"));

        Assert.True(vms[InventoryFixture.Template].Bool("template"));
        Assert.Equal("poweredOff", vms[InventoryFixture.Template].String("power_state"));
        Assert.Equal("DC0/vm/Lab", vms[InventoryFixture.LabVm].String("folder"));
        Assert.Equal("DC0_H0", vms[InventoryFixture.LabVm].String("host"));
        Assert.False(vms[InventoryFixture.LabVm].Has("cluster"));
    }

    [Fact]
    public async Task List_vms_links_each_listed_vm_to_its_resource_which_reads_that_vm()
    {
        var result = await fixture.Client.CallToolAsync("list_vms", new Dictionary<string, object?> { ["power_state"] = "poweredOn" });

        var links = result.Content.OfType<ResourceLinkBlock>().ToList();
        Assert.Equal(["esxi://vms/DC0_C0_RP0_VM0", "esxi://vms/DC0_H0_VM0"], links.Select(link => link.Uri));
        Assert.All(links, link => Assert.Equal(link.Uri["esxi://vms/".Length..], link.Name));
        var read = await fixture.Client.ReadResourceAsync(links[1].Uri);
        var vm = JsonDocument.Parse(Assert.IsType<TextResourceContents>(Assert.Single(read.Contents)).Text).RootElement;
        Assert.Equal("DC0_H0_VM0", vm.GetProperty("name").GetString());
        // A listing without items' resources (list_hosts) carries no links.
        Assert.Empty((await fixture.Client.CallToolAsync("list_hosts")).Content.OfType<ResourceLinkBlock>());
    }

    [Theory]
    [InlineData("poweredOff", new[] { "DC0_C0_RP0_VM1", "DC0_H0_VM1" })]
    [InlineData("powered_on", new[] { "DC0_C0_RP0_VM0", "DC0_H0_VM0" })]
    [InlineData("SUSPENDED", new string[0])]
    public async Task List_vms_filters_by_power_state(string powerState, string[] expected)
    {
        var result = await fixture.Client.CallJsonAsync("list_vms", new { power_state = powerState });

        Assert.Equal(expected, result.Items().Strings());
        Assert.Equal(expected.Length, result.Int("total"));
    }

    [Fact]
    public async Task List_vms_filters_by_host_cluster_folder_and_name()
    {
        var onHost = await fixture.Client.CallJsonAsync("list_vms", new { host_name = "DC0_H0" });
        var inCluster = await fixture.Client.CallJsonAsync("list_vms", new { cluster_name = "DC0_C0" });
        var inLab = await fixture.Client.CallJsonAsync("list_vms", new { folder_path = "Lab" });
        var underVmFolder = await fixture.Client.CallJsonAsync("list_vms", new { folder_path = "DC0/vm" });
        var byPattern = await fixture.Client.CallJsonAsync("list_vms", new { name_pattern = "*vm0" });
        var bySubstring = await fixture.Client.CallJsonAsync("list_vms", new { name_pattern = "h0_VM" });
        var combined = await fixture.Client.CallJsonAsync("list_vms", new { cluster_name = "DC0_C0", power_state = "poweredOn" });

        Assert.Equal(["DC0_H0_VM0", "DC0_H0_VM1"], onHost.Items().Strings());
        Assert.Equal(["DC0_C0_RP0_VM0", "DC0_C0_RP0_VM1"], inCluster.Items().Strings());
        Assert.Equal([InventoryFixture.LabVm], inLab.Items().Strings());
        Assert.Equal(4, underVmFolder.Int("total"));
        Assert.Equal(["DC0_C0_RP0_VM0", "DC0_H0_VM0"], byPattern.Items().Strings());
        Assert.Equal(["DC0_H0_VM0", "DC0_H0_VM1"], bySubstring.Items().Strings());
        Assert.Equal(["DC0_C0_RP0_VM0"], combined.Items().Strings());
    }

    [Fact]
    public async Task List_vms_limit_keeps_the_total()
    {
        var result = await fixture.Client.CallJsonAsync("list_vms", new { limit = 1 });

        Assert.Equal(4, result.Int("total"));
        Assert.Equal(1, result.Int("returned"));
        Assert.True(result.Bool("truncated"));
        Assert.Equal(["DC0_C0_RP0_VM0"], result.Items().Strings());
    }

    [Fact]
    public async Task List_vms_rejects_bad_filters_with_what_exists()
    {
        var powerState = await fixture.Client.CallErrorAsync("list_vms", new { power_state = "on" });
        var host = await fixture.Client.CallErrorAsync("list_vms", new { host_name = "DC0_H9" });
        var cluster = await fixture.Client.CallErrorAsync("list_vms", new { cluster_name = "DC0_C1" });
        var limit = await fixture.Client.CallErrorAsync("list_vms", new { limit = 0 });

        Assert.Contains("power_state 'on'", powerState);
        Assert.Contains("poweredOn, poweredOff, suspended", powerState);
        Assert.StartsWith("host_name: No host named 'DC0_H9'", host);
        Assert.Contains("'DC0_H0'", host);
        Assert.StartsWith("cluster_name: No cluster named 'DC0_C1'", cluster);
        Assert.Contains("'DC0_C0'", cluster);
        Assert.Contains("limit must be at least 1", limit);
    }

    [Fact]
    public async Task List_templates_returns_only_templates()
    {
        var result = await fixture.Client.CallJsonAsync("list_templates");
        var none = await fixture.Client.CallJsonAsync("list_templates", new { name_pattern = "web-*" });

        var template = Assert.Single(result.Items());
        Assert.Equal(InventoryFixture.Template, template.String("name"));
        Assert.Equal("DC0/vm", template.String("folder"));
        Assert.Equal(1, template.Int("cpu"));
        Assert.Equal(32, template.Int("memory_mb"));
        Assert.Equal(0, none.Int("total"));
    }

    [Fact]
    public async Task Get_vm_info_reads_configuration_placement_and_devices()
    {
        var vm = await fixture.Client.CallJsonAsync("get_vm_info", new { name = "DC0_H0_VM0" });

        Assert.Equal("DC0_H0_VM0", vm.String("name"));
        Assert.Equal("DC0/vm/DC0_H0_VM0", vm.String("path"));
        Assert.Equal("poweredOn", vm.String("power_state"));
        Assert.Equal(1, vm.Int("cpu"));
        Assert.Equal(32, vm.Int("memory_mb"));
        Assert.Equal("otherGuest", vm.String("guest_id"));
        Assert.False(vm.Bool("template"));
        Assert.Equal("DC0_H0", vm.String("host"));
        Assert.False(vm.Has("cluster"));
        Assert.Equal("DC0/host/DC0_H0/Resources", vm.String("resource_pool"));
        Assert.Equal(["LocalDS_0"], vm.Strings("datastore"));
        Assert.Equal("[LocalDS_0] DC0_H0_VM0/DC0_H0_VM0.vmx", vm.String("vmx_path"));
        Assert.Equal("toolsNotInstalled", vm.String("tools_status"));
        Assert.Matches("^[0-9a-f-]{36}$", vm.String("uuid"));
        Assert.Equal(0, vm.Int("snapshot_count"));
        var disk = Assert.Single(vm.Array("disks"));
        Assert.Equal("[LocalDS_0] DC0_H0_VM0/disk1.vmdk", disk.String("file"));
        Assert.True(disk.Bool("thin_provisioned"));
        var nic = Assert.Single(vm.Array("nics"));
        Assert.Equal("VirtualE1000", nic.String("type"));
        Assert.Equal("DC0_DVPG0", nic.String("network"));
        Assert.Matches("^([0-9a-f]{2}:){5}[0-9a-f]{2}$", nic.String("mac_address"));
    }

    [Fact]
    public async Task Get_vm_info_of_a_clustered_vm_names_its_cluster_and_folder()
    {
        var vm = await fixture.Client.CallJsonAsync("get_vm_info", new { name = InventoryFixture.LabVm });
        var clustered = await fixture.Client.CallJsonAsync("get_vm_info", new { name = "dc0_c0_rp0_vm0" });

        Assert.Equal("DC0/vm/Lab", vm.String("folder"));
        Assert.Equal("poweredOff", vm.String("power_state"));
        Assert.Equal("DC0_C0_RP0_VM0", clustered.String("name"));
        Assert.Equal("DC0_C0", clustered.String("cluster"));
        Assert.Equal("DC0/host/DC0_C0/Resources", clustered.String("resource_pool"));
    }

    [Fact]
    public async Task Get_vm_info_of_an_unknown_vm_lists_the_closest_names()
    {
        var error = await fixture.Client.CallErrorAsync("get_vm_info", new { name = "DC0_H0_VM" });

        Assert.Contains("No virtual machine named 'DC0_H0_VM'", error);
        Assert.Contains("'DC0_H0_VM0'", error);
        Assert.Contains("'DC0_H0_VM1'", error);
    }
}
