using System.Text.Json;
using McVSphere.Testing;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.HostAdmin.Tests;

/// <summary>get_host_info, get_host_hardware and get_host_networking report what the host holds.</summary>
[Collection(MultiHostCollection.Name)]
public sealed class HostInfoToolsTests(MultiHostFixture fixture)
{
    private const string Host = "DC0_H0";

    [Fact]
    public async Task Host_info_reports_product_state_capacity_and_uptime()
    {
        var info = await fixture.Client.CallJsonAsync("get_host_info", new { host_name = Host });

        var expected = await fixture.ReadHostAsync(Host, "summary.config.product.build", "runtime.bootTime", "summary.hardware.numCpuCores",
            "summary.hardware.memorySize", "summary.quickStats.uptime", "vm", "summary.hardware.uuid", "config.network.vnic");
        Assert.Equal(Host, info.GetProperty("host").GetString());
        Assert.Equal("DC0/host/DC0_H0/DC0_H0", info.GetProperty("path").GetString());
        Assert.StartsWith("VMware ESXi", info.GetProperty("product").GetProperty("full_name").GetString());
        Assert.Equal(expected["summary.config.product.build"]!.AsString(), info.GetProperty("product").GetProperty("build").GetString());
        Assert.Equal("connected", info.GetProperty("connection_state").GetString());
        Assert.Equal("poweredOn", info.GetProperty("power_state").GetString());
        Assert.False(info.GetProperty("in_maintenance_mode").GetBoolean());
        Assert.Equal(expected["runtime.bootTime"]!.AsDateTime(), info.GetProperty("boot_time").GetDateTimeOffset());
        Assert.Equal(expected["summary.quickStats.uptime"]!.AsInt64(), info.GetProperty("uptime_seconds").GetInt64());
        Assert.Equal(expected["summary.hardware.numCpuCores"]!.AsInt32(), info.GetProperty("cpu_cores").GetInt32());
        Assert.Equal(expected["summary.hardware.memorySize"]!.AsInt64() / (1024 * 1024), info.GetProperty("memory_mb").GetInt64());
        Assert.Equal(expected["vm"]!.AsArray().Count, info.GetProperty("vm_count").GetInt32());
        Assert.True(info.GetProperty("vm_count").GetInt32() > 0);
        // The original's fields.
        Assert.Equal(expected["summary.hardware.uuid"]!.AsString(), info.GetProperty("uuid").GetString());
        var vmk0 = expected["config.network.vnic"]!.AsArray().OfType<VimObject>().Single(nic => nic.GetString("device") == "vmk0");
        Assert.Equal(vmk0.GetString("spec.ip.ipAddress"), info.GetProperty("management_ip").GetString());
        Assert.False(string.IsNullOrEmpty(info.GetProperty("management_ip").GetString()));
    }

    [Fact]
    public async Task Host_hardware_reports_system_cpu_memory_nics_and_hbas()
    {
        var hardware = await fixture.Client.CallJsonAsync("get_host_hardware", new { host_name = Host });

        var expected = await fixture.ReadHostAsync(Host, "hardware.systemInfo.uuid", "hardware.cpuInfo.numCpuThreads", "config.network.pnic");
        Assert.Equal(expected["hardware.systemInfo.uuid"]!.AsString(), hardware.GetProperty("uuid").GetString());
        Assert.StartsWith("VMware-", hardware.GetProperty("serial_number").GetString());
        Assert.Equal("6.00", hardware.GetProperty("bios").GetProperty("version").GetString());
        Assert.Equal(expected["hardware.cpuInfo.numCpuThreads"]!.AsInt32(), hardware.GetProperty("cpu_threads").GetInt32());
        Assert.Equal(2, hardware.GetProperty("cpu_package_details").GetArrayLength());
        Assert.True(hardware.GetProperty("memory_mb").GetInt64() > 0);

        var nics = hardware.GetProperty("physical_nics").EnumerateArray().ToArray();
        Assert.Equal(expected["config.network.pnic"]!.AsArray().Count, nics.Length);
        var vmnic0 = Assert.Single(nics, nic => nic.GetProperty("device").GetString() == "vmnic0");
        Assert.Equal(10000, vmnic0.GetProperty("link_speed_mb").GetInt32());
        Assert.Matches("^([0-9a-f]{2}:){5}[0-9a-f]{2}$", vmnic0.GetProperty("mac").GetString());

        var hbas = hardware.GetProperty("storage_adapters").EnumerateArray().ToArray();
        Assert.Equal(["vmhba0", "vmhba1", "vmhba64"], hbas.Select(hba => hba.GetProperty("device").GetString()));
        Assert.Equal("ParallelSCSI", hbas[0].GetProperty("type").GetString());
        Assert.Equal("Block", hbas[1].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Host_networking_reports_switches_port_groups_vmknics_dns_and_routes()
    {
        var network = await fixture.Client.CallJsonAsync("get_host_networking", new { host_name = Host });

        var vswitch = Assert.Single(network.GetProperty("vswitches").EnumerateArray());
        Assert.Equal("vSwitch0", vswitch.GetProperty("name").GetString());
        Assert.Equal(["vmnic0"], Strings(vswitch.GetProperty("uplinks")));
        Assert.Equal(["VM Network", "Management Network"], Strings(vswitch.GetProperty("port_groups")));

        var management = Assert.Single(network.GetProperty("portgroups").EnumerateArray(), group => group.GetProperty("name").GetString() == "Management Network");
        Assert.Equal("vSwitch0", management.GetProperty("virtual_switch").GetString());
        Assert.Equal(0, management.GetProperty("vlan_id").GetInt32());

        var vmk0 = Assert.Single(network.GetProperty("vmkernel_adapters").EnumerateArray());
        Assert.Equal("vmk0", vmk0.GetProperty("device").GetString());
        Assert.Equal("Management Network", vmk0.GetProperty("port_group").GetString());
        Assert.Equal("127.0.0.1", vmk0.GetProperty("ip_address").GetString());

        Assert.Equal(["8.8.8.8"], Strings(network.GetProperty("dns").GetProperty("servers")));
        Assert.Equal("127.0.0.1", network.GetProperty("default_gateway").GetString());
        Assert.Contains(network.GetProperty("routes").EnumerateArray(), route =>
            route.GetProperty("network").GetString() == "0.0.0.0" && route.GetProperty("prefix_length").GetInt32() == 0);
        Assert.NotEmpty(network.GetProperty("physical_nics").EnumerateArray());
    }

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(item => item.GetString()!).ToArray();
}
