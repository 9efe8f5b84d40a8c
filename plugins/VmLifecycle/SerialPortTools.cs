using System.ComponentModel;
using System.Globalization;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Safety;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.VmLifecycle;

/// <summary>
/// Network serial ports (a <c>VirtualSerialPort</c> with a URI backing): a console reachable with telnet or a raw
/// TCP connection on the VM's ESXi host. The tools act on the VM's first network serial port.
/// </summary>
[McpServerToolType]
public sealed class SerialPortTools(IVSphereSession session)
{
    private static readonly string[] Protocols = ["telnet", "telnets", "tcp", "tcp4", "tcp6", "tcp+ssl"];
    private static readonly string[] Directions = ["server", "client"];

    /// <summary>Where automatic port numbers start: above the well-known and registered ranges most hosts use.</summary>
    private const int FirstAutomaticPort = 2000;

    private static readonly string[] HostVmPaths = ["name", "config.hardware.device"];

    [McpServerTool(Name = "get_serial_port", UseStructuredContent = true), Description("Shows a VM's serial ports: for a network serial port its URI (protocol and port), " +
        "direction, whether it is connected and yields on poll, and the address to connect to (telnet://<esxi-host>:<port>).")]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<SerialPortStatus> GetSerialPort(
        [Description("The VM's name or inventory path.")] string name,
        CancellationToken cancellationToken)
    {
        var vm = await session.Client.FindVmAsync(name, nameof(name), VmReads.Devices | VmReads.Placement, cancellationToken);
        var ports = await DescribeAsync(vm, vm.Devices, cancellationToken);
        return new SerialPortStatus(vm.Name, vm.PowerState, ports.Any(port => port.Backing == "network"), ports);
    }

    [McpServerTool(Name = "setup_serial_port", Idempotent = true, UseStructuredContent = true), Description("Configures a network serial port on a powered-off VM (adds one, " +
        "or updates the VM's existing network serial port): protocol://:port, the VM listening (server) or connecting out (client). " +
        "Without a port, the existing port is kept or the lowest free one from 2000 on the VM's host is chosen. Returns the port as vSphere reports it.")]
    [RequiresPermission(PermissionLevel.PowerOps)]
    [Change("configure the network serial port of VM '{name}'")]
    public async Task<SerialPortSetup> SetupSerialPort(
        [Description("The VM's name or inventory path; it must be powered off.")] string name,
        IProgress<ProgressNotificationValue> progress,
        [Description("The protocol: telnet (default), telnets, tcp, tcp4, tcp6 or tcp+ssl.")] string protocol = "telnet",
        [Description("The TCP port (1-65535) on the VM's ESXi host; default: keep the current one, else the lowest free one from 2000.")] int? port = null,
        [Description("server (default: the VM listens on the port) or client (the VM connects out to it).")] string direction = "server",
        [Description("Let the guest yield the CPU while it polls the port (recommended for consoles). Default true.")] bool yield_on_poll = true,
        CancellationToken cancellationToken = default)
    {
        var scheme = OneOf(protocol, nameof(protocol), Protocols);
        var mode = OneOf(direction, nameof(direction), Directions);
        if (port is < 1 or > 65535)
        {
            throw ToolException.InvalidArgument(nameof(port), $"port must be a TCP port from 1 to 65535; got {port}.");
        }
        var vm = (await session.Client.FindVmAsync(name, nameof(name), VmReads.Devices | VmReads.Placement, cancellationToken)).RequireNotTemplate(nameof(name));
        RequirePoweredOff(vm, "configure serial ports");
        var devices = vm.Devices;
        var existing = NetworkPorts(devices).FirstOrDefault();
        var wanted = port ?? ParseUri(existing?.Backing as VirtualSerialPortURIBackingInfo).Port;
        // A VM that connects out takes no port on its host; one that listens must not take another VM's.
        var portNumber = mode == "client" && wanted is { } clientPort ? clientPort : await ChoosePortAsync(vm, wanted, nameof(port), cancellationToken);

        var backing = new VirtualSerialPortURIBackingInfo { ServiceUri = $"{scheme}://:{portNumber.ToString(CultureInfo.InvariantCulture)}", Direction = mode };
        // Connected follows at power-on; a powered-off VM has nothing connected.
        var connection = new VirtualDeviceConnectInfo { StartConnected = true, Connected = false, AllowGuestControl = true };
        var change = existing is null
            ? VirtualDeviceConfigSpec.Add(new VirtualSerialPort { Key = -1, Backing = backing, Connectable = connection, YieldOnPoll = yield_on_poll })
            : VirtualDeviceConfigSpec.Edit(existing with { Backing = backing, Connectable = connection, YieldOnPoll = yield_on_poll });
        var after = await session.Client.ChangeDevicesAsync(vm, [change], progress, $"Setting up serial port {backing.ServiceUri} on {vm.Name}", cancellationToken);
        var configured = existing is null ? after.Added<VirtualSerialPort>(devices).FirstOrDefault() : after.OfType<VirtualSerialPort>().FirstOrDefault(device => device.Key == existing.Key);
        if (configured is null)
        {
            throw new ToolException(ToolErrorKind.NotSupported, $"vSphere reported success, but VM '{vm.Name}' shows no such serial port.");
        }
        return new SerialPortSetup(vm.Name, vm.PowerState, existing is null ? "created" : "updated", (await DescribeAsync(vm, [configured], cancellationToken))[0]);
    }

    [McpServerTool(Name = "connect_serial_port", Idempotent = true, UseStructuredContent = true), Description("Connects or disconnects a VM's network serial port, now " +
        "(only a powered-on VM has a live connection) and at power-on. Returns the port, with the address to connect to " +
        "(telnet://<esxi-host>:<port>).")]
    [RequiresPermission(PermissionLevel.PowerOps)]
    [Change("set the serial port of VM '{name}' connected={connected}")]
    public async Task<SerialPortChanged> ConnectSerialPort(
        [Description("The VM's name or inventory path.")] string name,
        IProgress<ProgressNotificationValue> progress,
        [Description("true to connect (default), false to disconnect.")] bool connected = true,
        CancellationToken cancellationToken = default)
    {
        var vm = (await session.Client.FindVmAsync(name, nameof(name), VmReads.Devices | VmReads.Placement, cancellationToken)).RequireNotTemplate(nameof(name));
        var serialPort = RequireNetworkPort(vm);
        var connection = ConnectionOf(serialPort) with { StartConnected = connected, Connected = connected && vm.IsPoweredOn };
        var after = await ChangeConnectionAsync(vm, serialPort, vm.ChangeVersion, connection, progress, cancellationToken);
        return new SerialPortChanged(vm.Name, vm.PowerState, (await DescribeAsync(vm, [after], cancellationToken))[0]);
    }

    [McpServerTool(Name = "clear_serial_port", Idempotent = true, UseStructuredContent = true), Description("Resets a powered-on VM's network serial port by disconnecting " +
        "and reconnecting it, which drops a stuck or stale client connection. Returns the port as vSphere reports it.")]
    [RequiresPermission(PermissionLevel.PowerOps)]
    [Change("reset the serial port connection of VM '{name}'")]
    public async Task<SerialPortChanged> ClearSerialPort(
        [Description("The VM's name or inventory path; it must be powered on.")] string name,
        IProgress<ProgressNotificationValue> progress,
        CancellationToken cancellationToken)
    {
        var vm = (await session.Client.FindVmAsync(name, nameof(name), VmReads.Devices | VmReads.Placement, cancellationToken)).RequireNotTemplate(nameof(name));
        var serialPort = RequireNetworkPort(vm);
        if (!vm.IsPoweredOn)
        {
            throw ToolException.Refused($"VM '{vm.Name}' is {vm.PowerState}: its serial port has no connection to clear (it connects at power-on).", nameof(name));
        }
        var disconnected = await ChangeConnectionAsync(vm, serialPort, vm.ChangeVersion, ConnectionOf(serialPort) with { Connected = false },
            progress, cancellationToken);
        // The second change starts from the port as vSphere reports it after the first.
        var reconnected = await ChangeConnectionAsync(vm, disconnected, changeVersion: null, ConnectionOf(disconnected) with { Connected = true },
            progress, cancellationToken);
        return new SerialPortChanged(vm.Name, vm.PowerState, (await DescribeAsync(vm, [reconnected], cancellationToken))[0]);
    }

    [McpServerTool(Name = "remove_serial_port", Destructive = true, Idempotent = true, UseStructuredContent = true), Description("Removes the network serial port from a " +
        "powered-off VM. A VM without one is left as it is. Returns the VM's serial ports after the change.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("remove the network serial port of VM '{name}'")]
    public async Task<SerialPortRemoved> RemoveSerialPort(
        [Description("The VM's name or inventory path; it must be powered off.")] string name,
        IProgress<ProgressNotificationValue> progress,
        CancellationToken cancellationToken)
    {
        var vm = (await session.Client.FindVmAsync(name, nameof(name), VmReads.Devices | VmReads.Placement, cancellationToken)).RequireNotTemplate(nameof(name));
        var devices = vm.Devices;
        if (NetworkPorts(devices).FirstOrDefault() is not { } serialPort)
        {
            return new SerialPortRemoved(vm.Name, null, await DescribeAsync(vm, devices, cancellationToken));
        }
        RequirePoweredOff(vm, "remove serial ports");
        var after = await session.Client.ChangeDevicesAsync(vm, [VirtualDeviceConfigSpec.Remove(serialPort)], progress,
            $"Removing {serialPort.Label()} from {vm.Name}", cancellationToken);
        if (after.Any(device => device.Key == serialPort.Key))
        {
            throw new ToolException(ToolErrorKind.NotSupported, $"vSphere reported success, but VM '{vm.Name}' still has {serialPort.Label()}.");
        }
        return new SerialPortRemoved(vm.Name, serialPort.Label(), await DescribeAsync(vm, after, cancellationToken));
    }

    private static IEnumerable<VirtualSerialPort> NetworkPorts(IReadOnlyList<VirtualDevice> devices) =>
        devices.OfType<VirtualSerialPort>().Where(port => port.Backing is VirtualSerialPortURIBackingInfo).OrderBy(port => port.Key);

    private static VirtualSerialPort RequireNetworkPort(LocatedVm vm) =>
        NetworkPorts(vm.Devices).FirstOrDefault()
        ?? throw new ToolException(ToolErrorKind.NotFound, $"VM '{vm.Name}' has no network serial port: add one with setup_serial_port (the VM must be powered off).", "name");

    private static void RequirePoweredOff(LocatedVm vm, string action)
    {
        if (vm.PowerState != PowerStates.PoweredOff)
        {
            throw ToolException.Refused($"VM '{vm.Name}' is {vm.PowerState}: vSphere can only {action} on a powered-off VM. " +
                "Power it off first (shutdown_guest or power_off), then retry.", "name");
        }
    }

    private static string OneOf(string? value, string argument, string[] allowed) =>
        allowed.FirstOrDefault(candidate => string.Equals(candidate, value?.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw ToolException.InvalidArgument(argument, $"{argument} '{value}' is not supported.", allowed);

    /// <summary>The port's connection settings as read, without the read-only status.</summary>
    private static VirtualDeviceConnectInfo ConnectionOf(VirtualSerialPort serialPort) =>
        (serialPort.Connectable ?? new VirtualDeviceConnectInfo { StartConnected = true, AllowGuestControl = true }) with { Status = null };

    private async Task<VirtualSerialPort> ChangeConnectionAsync(LocatedVm vm, VirtualSerialPort serialPort, string? changeVersion,
        VirtualDeviceConnectInfo connection, IProgress<ProgressNotificationValue> progress, CancellationToken cancellationToken)
    {
        var after = await session.Client.ChangeDevicesAsync(vm.Ref, changeVersion, [VirtualDeviceConfigSpec.Edit(serialPort with { Connectable = connection })],
            progress, $"{(connection.Connected ? "Connecting" : "Disconnecting")} {serialPort.Label()} of {vm.Name}", answerQuestion: null, cancellationToken);
        return after.OfType<VirtualSerialPort>().FirstOrDefault(device => device.Key == serialPort.Key)
            ?? throw new ToolException(ToolErrorKind.NotSupported, $"VM '{vm.Name}' no longer shows {serialPort.Label()} after the change.");
    }

    /// <summary>
    /// The port to listen on: <paramref name="wanted"/> unless another VM on the same host listens on it (then an
    /// error), or without one the lowest free one from <see cref="FirstAutomaticPort"/>. One read of the devices of the host's VMs.
    /// </summary>
    private async Task<int> ChoosePortAsync(LocatedVm vm, int? wanted, string argument, CancellationToken cancellationToken)
    {
        var others = vm.Host is null
            ? []
            : await session.Client.Properties.RetrieveAsync("VirtualMachine", HostVmPaths, vm.Host, cancellationToken);
        var taken = others
            .Where(other => other.Ref != vm.Ref)
            .SelectMany(other => NetworkPorts(VirtualDevice.ListFrom(other["config.hardware.device"]))
                .Select(serialPort => serialPort.Backing as VirtualSerialPortURIBackingInfo)
                .Where(uri => uri?.Direction == "server")
                .Select(uri => (Vm: other.GetString("name") ?? other.Ref.Value, ParseUri(uri).Port)))
            .Where(use => use.Port is not null)
            .ToLookup(use => use.Port!.Value, use => use.Vm);
        if (wanted is { } port)
        {
            return taken.Contains(port)
                ? throw ToolException.InvalidArgument(argument, $"Port {port} is already used by the serial port of VM '{taken[port].First()}' on the same host; " +
                    "choose another port, or leave port out to get a free one.")
                : port;
        }
        return Enumerable.Range(FirstAutomaticPort, 65536 - FirstAutomaticPort).First(candidate => !taken.Contains(candidate));
    }

    private async Task<IReadOnlyList<SerialPortInfo>> DescribeAsync(LocatedVm vm, IReadOnlyList<VirtualDevice> devices, CancellationToken cancellationToken)
    {
        var serialPorts = devices.OfType<VirtualSerialPort>().ToArray();
        var listening = serialPorts.Any(port => port.Backing is VirtualSerialPortURIBackingInfo { Direction: "server" });
        var hostName = listening && vm.Host is { } host
            ? (await session.Client.Properties.RetrieveAsync(host, ["name"], cancellationToken)).GetString("name")
            : null;
        return serialPorts.Select(serialPort =>
        {
            var uri = serialPort.Backing as VirtualSerialPortURIBackingInfo;
            var (protocol, port) = ParseUri(uri);
            var connectTo = uri?.Direction == "server" && hostName is not null && port is not null ? $"{protocol}://{hostName}:{port}" : null;
            return new SerialPortInfo(
                serialPort.Label(),
                serialPort.Backing switch
                {
                    VirtualSerialPortURIBackingInfo => "network",
                    OtherBackingInfo other => other.Raw.TypeName,
                    _ => null,
                },
                uri?.ServiceUri, uri?.Direction, protocol, port, uri?.ProxyUri, connectTo,
                serialPort.Connectable?.Connected ?? false, serialPort.Connectable?.StartConnected ?? false, serialPort.YieldOnPoll, serialPort.Key);
        }).ToArray();
    }

    /// <summary>The protocol and port of a service URI such as <c>telnet://:2001</c> or <c>tcp://console.example.com:2001</c>.</summary>
    private static (string? Protocol, int? Port) ParseUri(VirtualSerialPortURIBackingInfo? backing)
    {
        var uri = backing?.ServiceUri;
        var separator = uri?.IndexOf("://", StringComparison.Ordinal) ?? -1;
        if (uri is null || separator < 0)
        {
            return (null, null);
        }
        var authority = uri[(separator + 3)..].TrimEnd('/');
        var colon = authority.LastIndexOf(':');
        return (uri[..separator], colon >= 0 && int.TryParse(authority[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null);
    }
}

/// <summary>A serial port of a VM.</summary>
/// <param name="Label">The label vSphere shows, e.g. "Serial port 1".</param>
/// <param name="Backing">"network" for a URI backing; otherwise the vSphere backing type (file, pipe, host device).</param>
/// <param name="ServiceUri">The URI, e.g. "telnet://:2001".</param>
/// <param name="Direction">"server" (the VM listens) or "client" (the VM connects out).</param>
/// <param name="Protocol">telnet, telnets, tcp...</param>
/// <param name="Port">The TCP port.</param>
/// <param name="ProxyUri">The virtual serial port concentrator, if one is used.</param>
/// <param name="ConnectionString">Where to connect to reach the console (server direction), e.g. "telnet://esxi-01:2001".</param>
/// <param name="Connected">Connected now (only while the VM is powered on).</param>
/// <param name="StartConnected">Connects when the VM powers on.</param>
/// <param name="YieldOnPoll">The guest yields the CPU while polling the port.</param>
/// <param name="Key">The device key, unique within the VM.</param>
public sealed record SerialPortInfo(
    string Label, string? Backing, string? ServiceUri, string? Direction, string? Protocol, int? Port, string? ProxyUri, string? ConnectionString,
    bool Connected, bool StartConnected, bool YieldOnPoll, int Key);

/// <summary>The result of get_serial_port.</summary>
/// <param name="Vm">The VM.</param>
/// <param name="PowerState">Its power state.</param>
/// <param name="Configured">Whether it has a network serial port.</param>
/// <param name="Ports">All its serial ports.</param>
public sealed record SerialPortStatus(string Vm, string PowerState, bool Configured, IReadOnlyList<SerialPortInfo> Ports);

/// <summary>The result of setup_serial_port.</summary>
/// <param name="Vm">The VM.</param>
/// <param name="PowerState">Its power state.</param>
/// <param name="Operation">"created" (a port was added) or "updated" (the existing one was changed).</param>
/// <param name="Port">The port as vSphere reports it.</param>
public sealed record SerialPortSetup(string Vm, string PowerState, string Operation, SerialPortInfo Port);

/// <summary>The result of connect_serial_port and clear_serial_port.</summary>
public sealed record SerialPortChanged(string Vm, string PowerState, SerialPortInfo Port);

/// <summary>The result of remove_serial_port.</summary>
/// <param name="Vm">The VM.</param>
/// <param name="Removed">The label of the port removed; null when the VM had no network serial port.</param>
/// <param name="Ports">Its serial ports after the change.</param>
public sealed record SerialPortRemoved(string Vm, string? Removed, IReadOnlyList<SerialPortInfo> Ports);
