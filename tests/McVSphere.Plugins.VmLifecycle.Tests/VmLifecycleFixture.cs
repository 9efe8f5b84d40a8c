using McVSphere.Testing;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.VmLifecycle.Tests;

/// <summary>
/// The simulator's default inventory served by the host with the VmLifecycle plugin, plus a vSphere client of the
/// tests' own (<see cref="VSphere"/>) to read back what the tools did and to prepare state the tools cannot (a task
/// delay, running VMware Tools). Tests change the inventory, so each works on VMs it creates with
/// <see cref="CreateVmAsync"/> under a name from <see cref="UniqueName"/>.
/// </summary>
public class VmLifecycleFixture : SimulatorHostFixture, IAsyncLifetime
{
    private int _sequence;

    /// <summary>A client of the simulator, independent of the host's.</summary>
    public VSphereClient VSphere { get; private set; } = null!;

    protected override string? Plugins => "VmLifecycle";

    /// <summary>A second datastore (LocalDS_1) to move VMs and disks to, and an NSX opaque network (DC0_NSX0).</summary>
    protected override string[] SimulatorFlags => ["-ds", "2", "-opaque-network", "1"];

    // Re-implemented so that xunit runs these, which extend the base fixture's.
    async Task IAsyncLifetime.InitializeAsync()
    {
        await base.InitializeAsync();
        VSphere = new VSphereClient(new VSphereConnectionOptions
        {
            Server = Simulator.Url.ToString(),
            User = Simulator.User,
            Password = Simulator.Password,
            Insecure = true,
        });
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (VSphere is not null)
        {
            await VSphere.DisposeAsync();
        }
        await base.DisposeAsync();
    }

    /// <summary>A VM name no other test uses.</summary>
    public string UniqueName(string prefix) => $"{prefix}-{Interlocked.Increment(ref _sequence)}";

    /// <summary>Creates a small powered-off VM through create_vm and returns its name.</summary>
    public async Task<string> CreateVmAsync(string prefix)
    {
        var name = UniqueName(prefix);
        await Client.CallJsonAsync("create_vm", new { name, cpu = 1, memory_mb = 256, disk_gb = 1 });
        return name;
    }

    /// <summary>Finds a VM (or template) by name through the test's own client.</summary>
    public async Task<ManagedObjectReference> FindVmAsync(string name) =>
        (await VSphere.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, name)).Ref;

    /// <summary>Reads properties of a VM found by name.</summary>
    public async Task<ObjectContent> ReadVmAsync(string name, params string[] paths) =>
        await VSphere.Properties.RetrieveAsync(await FindVmAsync(name), paths);

    /// <summary>Makes every later task on the VM run this long in the simulator (0 turns the delay off).</summary>
    public async Task SetTaskDelayAsync(string name, TimeSpan delay) =>
        await VSphere.ReconfigureVmAsync(await FindVmAsync(name), new VirtualMachineConfigSpec
        {
            ExtraConfig = [new OptionValue("vcsim.taskDelayMs", ((int)delay.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture))],
        });

    /// <summary>Marks VMware Tools as running in the VM's guest (the simulator's SET.* test hook).</summary>
    public async Task SetToolsRunningAsync(string name) =>
        await VSphere.ReconfigureVmAsync(await FindVmAsync(name), new VirtualMachineConfigSpec
        {
            ExtraConfig = [new OptionValue("SET.guest.toolsRunningStatus", "guestToolsRunning")],
        });
}
