using McVSphere.Testing;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.VmLifecycle.Tests;

public sealed class SerialPortToolsTests(VmLifecycleFixture fixture) : IClassFixture<VmLifecycleFixture>
{
    [Fact]
    public async Task Sets_up_connects_clears_and_removes_a_network_serial_port()
    {
        var name = await fixture.CreateBareVmAsync("serial");
        Assert.False((await fixture.Client.CallJsonAsync("get_serial_port", new { name })).GetProperty("configured").GetBoolean());

        var created = await fixture.Client.CallJsonAsync("setup_serial_port", new { name, port = 2701, yield_on_poll = false });
        Assert.Equal("created", created.GetProperty("operation").GetString());
        Assert.Equal("telnet://DC0_H0:2701", created.GetProperty("port").GetProperty("connection_string").GetString());
        var serialPort = Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualSerialPort>());
        var uri = Assert.IsType<VirtualSerialPortURIBackingInfo>(serialPort.Backing);
        Assert.Equal("telnet://:2701", uri.ServiceUri);
        Assert.Equal("server", uri.Direction);
        Assert.False(serialPort.YieldOnPoll);
        Assert.True(serialPort.Connectable!.StartConnected);

        // Set up again: the same device, updated; without a port it keeps its own.
        var updated = await fixture.Client.CallJsonAsync("setup_serial_port", new { name, protocol = "tcp", direction = "client" });
        Assert.Equal("updated", updated.GetProperty("operation").GetString());
        var changed = Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualSerialPort>());
        Assert.Equal(serialPort.Key, changed.Key);
        Assert.Equal("tcp://:2701", Assert.IsType<VirtualSerialPortURIBackingInfo>(changed.Backing).ServiceUri);
        Assert.Equal("client", Assert.IsType<VirtualSerialPortURIBackingInfo>(changed.Backing).Direction);
        Assert.True(changed.YieldOnPoll);

        await fixture.PowerOnAsync(name);
        var refused = await fixture.Client.CallErrorAsync("setup_serial_port", new { name, port = 2702 });
        Assert.Contains("powered-off", refused, StringComparison.Ordinal);
        await fixture.Client.CallJsonAsync("connect_serial_port", new { name, connected = false });
        Assert.False(Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualSerialPort>()).Connectable!.Connected);
        var connected = await fixture.Client.CallJsonAsync("connect_serial_port", new { name });
        Assert.True(connected.GetProperty("port").GetProperty("connected").GetBoolean());
        Assert.True(Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualSerialPort>()).Connectable!.Connected);
        var cleared = await fixture.Client.CallJsonAsync("clear_serial_port", new { name });
        Assert.True(cleared.GetProperty("port").GetProperty("connected").GetBoolean());
        Assert.True(Assert.Single((await fixture.DevicesAsync(name)).OfType<VirtualSerialPort>()).Connectable!.Connected);
        Assert.Contains("powered-off", await fixture.Client.CallErrorAsync("remove_serial_port", new { name }), StringComparison.Ordinal);
        await fixture.PowerOffAsync(name);

        var removed = await fixture.Client.CallJsonAsync("remove_serial_port", new { name });
        Assert.Equal(serialPort.DeviceInfo!.Label, removed.GetProperty("removed").GetString());
        Assert.Empty((await fixture.DevicesAsync(name)).OfType<VirtualSerialPort>());
        var again = await fixture.Client.CallJsonAsync("remove_serial_port", new { name });
        Assert.False(again.TryGetProperty("removed", out _));
        Assert.Contains("setup_serial_port", await fixture.Client.CallErrorAsync("connect_serial_port", new { name }), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Picks_a_free_port_on_the_host_and_refuses_one_another_vm_listens_on()
    {
        var first = await fixture.CreateBareVmAsync("serial-a");
        var second = await fixture.CreateBareVmAsync("serial-b");

        var automatic = await fixture.Client.CallJsonAsync("setup_serial_port", new { name = first });
        var port = automatic.GetProperty("port").GetProperty("port").GetInt32();
        Assert.InRange(port, 2000, 65535);
        var taken = await fixture.Client.CallErrorAsync("setup_serial_port", new { name = second, port });
        Assert.Contains(first, taken, StringComparison.Ordinal);
        var next = await fixture.Client.CallJsonAsync("setup_serial_port", new { name = second });
        Assert.NotEqual(port, next.GetProperty("port").GetProperty("port").GetInt32());

        var protocol = await fixture.Client.CallErrorAsync("setup_serial_port", new { name = second, protocol = "ssh" });
        Assert.Contains("telnet", protocol, StringComparison.Ordinal);
        var direction = await fixture.Client.CallErrorAsync("setup_serial_port", new { name = second, direction = "both" });
        Assert.Contains("server", direction, StringComparison.Ordinal);
        var range = await fixture.Client.CallErrorAsync("setup_serial_port", new { name = second, port = 70000 });
        Assert.Contains("65535", range, StringComparison.Ordinal);
    }
}
