using McVSphere.Testing;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.VmLifecycle.Tests;

public sealed class NicToolsTests(VmLifecycleFixture fixture) : IClassFixture<VmLifecycleFixture>
{
    [Fact]
    public async Task Lists_and_describes_the_adapters_vsphere_reports()
    {
        var name = await fixture.CreateVmAsync("nics-list");
        var nic = Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualEthernetCard>());

        var listed = Assert.Single((await fixture.Client.CallJsonAsync("list_nics", new { vm_name = name })).GetProperty("nics").EnumerateArray());
        Assert.Equal(nic.DeviceInfo!.Label, listed.GetProperty("label").GetString());
        Assert.Equal("vmxnet3", listed.GetProperty("type").GetString());
        Assert.Equal(nic.MacAddress, listed.GetProperty("mac_address").GetString());
        Assert.Equal("VM Network", listed.GetProperty("network").GetString());
        Assert.Equal("standard", listed.GetProperty("network_type").GetString());

        var info = await fixture.Client.CallJsonAsync("get_nic_info", new { vm_name = name, nic_label = nic.DeviceInfo.Label });
        Assert.Equal(nic.MacAddress, info.GetProperty("nic").GetProperty("mac_address").GetString());
    }

    [Fact]
    public async Task Adds_adapters_on_standard_and_distributed_port_groups()
    {
        var name = await fixture.CreateVmAsync("nics-add");
        var (switchUuid, portgroupKey) = await DistributedPortGroupAsync("DC0_DVPG0");

        var distributed = await fixture.Client.CallJsonAsync("add_nic", new { vm_name = name, network = "DC0_DVPG0" });
        var emulated = await fixture.Client.CallJsonAsync("add_nic", new { vm_name = name, network = "VM Network", nic_type = "e1000e", start_connected = false });
        Assert.Equal(3, emulated.GetProperty("nics").GetArrayLength());

        var nics = (await fixture.DevicesAsync(name)).OfType<VirtualEthernetCard>().ToDictionary(nic => nic.DeviceInfo!.Label);
        var onSwitch = Assert.IsType<VirtualVmxnet3>(nics[distributed.GetProperty("nic").GetProperty("label").GetString()!]);
        var port = Assert.IsType<VirtualEthernetCardDistributedVirtualPortBackingInfo>(onSwitch.Backing).Port;
        Assert.Equal(switchUuid, port.SwitchUuid);
        Assert.Equal(portgroupKey, port.PortgroupKey);
        Assert.False(string.IsNullOrEmpty(onSwitch.MacAddress));
        Assert.Equal("DC0_DVPG0", distributed.GetProperty("nic").GetProperty("network").GetString());
        Assert.Equal("distributed", distributed.GetProperty("nic").GetProperty("network_type").GetString());

        var e1000e = Assert.IsType<VirtualE1000e>(nics[emulated.GetProperty("nic").GetProperty("label").GetString()!]);
        Assert.Equal("VM Network", Assert.IsType<VirtualEthernetCardNetworkBackingInfo>(e1000e.Backing).DeviceName);
        Assert.False(e1000e.Connectable!.StartConnected);
    }

    [Fact]
    public async Task Adds_and_moves_adapters_on_an_nsx_opaque_network()
    {
        // summary is declared NetworkSummary: the test bed, like vCenter, rejects reads of summary.opaqueNetworkId.
        var name = await fixture.CreateVmAsync("nics-nsx");

        var added = await fixture.Client.CallJsonAsync("add_nic", new { vm_name = name, network = "DC0_NSX0" });
        Assert.Equal("opaque", added.GetProperty("nic").GetProperty("network_type").GetString());
        Assert.Equal("ls-dc0_nsx0", added.GetProperty("nic").GetProperty("network").GetString());
        var label = added.GetProperty("nic").GetProperty("label").GetString()!;
        var nics = (await fixture.DevicesAsync(name)).OfType<VirtualEthernetCard>().ToDictionary(nic => nic.DeviceInfo!.Label);
        var backing = Assert.IsType<VirtualEthernetCardOpaqueNetworkBackingInfo>(nics[label].Backing);
        Assert.Equal("ls-dc0_nsx0", backing.OpaqueNetworkId);
        Assert.Equal("nsx.LogicalSwitch", backing.OpaqueNetworkType);

        var original = nics.Values.Single(nic => nic.DeviceInfo!.Label != label).DeviceInfo!.Label;
        await fixture.Client.CallJsonAsync("change_nic_network", new { vm_name = name, nic_label = original, new_network = "DC0_NSX0" });
        var moved = (await fixture.DevicesAsync(name)).OfType<VirtualEthernetCard>().Single(nic => nic.DeviceInfo!.Label == original);
        Assert.Equal("ls-dc0_nsx0", Assert.IsType<VirtualEthernetCardOpaqueNetworkBackingInfo>(moved.Backing).OpaqueNetworkId);
    }

    [Fact]
    public async Task Moves_connects_readdresses_and_removes_an_adapter()
    {
        var name = await fixture.CreateVmAsync("nics-change");
        var original = Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualEthernetCard>());
        var label = original.DeviceInfo!.Label;

        await fixture.Client.CallJsonAsync("change_nic_network", new { vm_name = name, nic_label = label, new_network = "DC0_DVPG0" });
        var moved = Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualEthernetCard>());
        Assert.IsType<VirtualEthernetCardDistributedVirtualPortBackingInfo>(moved.Backing);
        Assert.Equal(original.MacAddress, moved.MacAddress);

        var offline = await fixture.Client.CallJsonAsync("connect_nic", new { vm_name = name, nic_label = label, connected = false });
        Assert.False(offline.GetProperty("nic").GetProperty("start_connected").GetBoolean());
        Assert.False(Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualEthernetCard>()).Connectable!.StartConnected);
        await fixture.PowerOnAsync(name);
        await fixture.Client.CallJsonAsync("connect_nic", new { vm_name = name, nic_label = label });
        var connected = Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualEthernetCard>()).Connectable!;
        Assert.True(connected.Connected);
        Assert.True(connected.StartConnected);
        await fixture.PowerOffAsync(name);

        var manual = await fixture.Client.CallJsonAsync("set_nic_mac", new { vm_name = name, nic_label = label, mac_address = "00:50:56:3F:FF:FE" });
        Assert.Equal("00:50:56:3f:ff:fe", manual.GetProperty("nic").GetProperty("mac_address").GetString());
        var readdressed = Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualEthernetCard>());
        Assert.Equal("manual", readdressed.AddressType);
        Assert.Equal("00:50:56:3f:ff:fe", readdressed.MacAddress);

        var removed = await fixture.Client.CallJsonAsync("remove_nic", new { vm_name = name, nic_label = label });
        Assert.Equal(0, removed.GetProperty("nics").GetArrayLength());
        Assert.Empty((await fixture.DevicesAsync(name)).OfType<VirtualEthernetCard>());
    }

    [Fact]
    public async Task Refuses_bad_macs_types_networks_and_labels_saying_what_is_allowed()
    {
        var name = await fixture.CreateVmAsync("nics-errors");
        var nic = Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualEthernetCard>());
        var label = nic.DeviceInfo!.Label;

        var malformed = await fixture.Client.CallErrorAsync("set_nic_mac", new { vm_name = name, nic_label = label, mac_address = "00:50:56:zz:00:01" });
        Assert.Contains("not a MAC address", malformed, StringComparison.Ordinal);
        var outOfRange = await fixture.Client.CallErrorAsync("set_nic_mac", new { vm_name = name, nic_label = label, mac_address = "00:50:56:40:00:00" });
        Assert.Contains("00:50:56:00:00:00 to 00:50:56:3F:FF:FF", outOfRange, StringComparison.Ordinal);
        var otherVendor = await fixture.Client.CallErrorAsync("set_nic_mac", new { vm_name = name, nic_label = label, mac_address = "00:0c:29:00:00:01" });
        Assert.Contains("outside VMware's range", otherVendor, StringComparison.Ordinal);

        var type = await fixture.Client.CallErrorAsync("add_nic", new { vm_name = name, network = "VM Network", nic_type = "rtl8139" });
        Assert.Contains("vmxnet3", type, StringComparison.Ordinal);
        Assert.Contains("e1000e", type, StringComparison.Ordinal);
        var network = await fixture.Client.CallErrorAsync("add_nic", new { vm_name = name, network = "DC0_DVPG9" });
        Assert.Contains("DC0_DVPG0", network, StringComparison.Ordinal);
        var unknown = await fixture.Client.CallErrorAsync("remove_nic", new { vm_name = name, nic_label = "Network adapter 7" });
        Assert.Contains("Network adapter 7", unknown, StringComparison.Ordinal);
        Assert.Contains(label, unknown, StringComparison.Ordinal);

        var unchanged = Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualEthernetCard>());
        Assert.Equal(nic.MacAddress, unchanged.MacAddress);
        Assert.Equal(nic.AddressType, unchanged.AddressType);
    }

    /// <summary>The switch UUID and port group key of a distributed port group, read directly.</summary>
    private async Task<(string SwitchUuid, string PortgroupKey)> DistributedPortGroupAsync(string name)
    {
        var client = fixture.VSphere;
        var portgroup = await client.Lookup.FindAsync(VSphereObjectKind.Network, name);
        var content = await client.Properties.RetrieveAsync(portgroup.Ref, ["key", "config.distributedVirtualSwitch"]);
        var dvSwitch = await client.Properties.RetrieveAsync(content.GetReference("config.distributedVirtualSwitch")!, ["uuid"]);
        return (dvSwitch.GetString("uuid")!, content.GetString("key")!);
    }
}
