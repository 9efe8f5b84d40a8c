using System.Globalization;
using McVSphere.Testing;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;

namespace McVSphere.IntegrationTests;

/// <summary>The tests' own vSphere client of a simulator, to prepare it and to check what the host did there.</summary>
internal static class SimulatorVSphere
{
    public static VSphereClient Connect(SimulatorProcess simulator) => new(new VSphereConnectionOptions
    {
        Server = simulator.Url.ToString(),
        User = simulator.User,
        Password = simulator.Password,
        Insecure = true,
    });

    /// <summary>Makes every task on the VM take <paramref name="delay"/> (the test bed's vcsim.taskDelayMs) and returns the VM.</summary>
    public static async Task<ManagedObjectReference> SlowDownTasksAsync(this VSphereClient vsphere, string vmName, TimeSpan delay)
    {
        var vm = (await vsphere.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, vmName)).Ref;
        await vsphere.ReconfigureVmAsync(vm, new VirtualMachineConfigSpec
        {
            ExtraConfig = [new OptionValue("vcsim.taskDelayMs", delay.TotalMilliseconds.ToString(CultureInfo.InvariantCulture))],
        });
        return vm;
    }
}
