using System.Text.Json;
using McVSphere.Testing;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.GuestOps.Tests;

/// <summary>
/// One simulator and one host with the GuestOps plugin, shared by the GuestOps test classes (a collection: they run
/// one after the other). The default inventory's VMs play these parts:
/// <list type="bullet">
/// <item><see cref="ToolsVm"/>: VMware Tools running; guest user root with <see cref="GuestPassword"/>, given per call.</item>
/// <item><see cref="NoToolsVm"/>: Tools not running (the simulator's default); screenshots.</item>
/// <item><see cref="WaitVm"/>: Tools not running until a test flips them, for wait_for_vm_tools.</item>
/// <item><see cref="ConfiguredVm"/>: Tools running; its guest accepts only user alice, whose credentials are configured
/// on the server (MCVSPHERE_GUEST_CREDENTIALS_FILE) and are never given in a call.</item>
/// </list>
/// </summary>
public sealed class GuestOpsFixture : SimulatorHostFixture, IAsyncLifetime
{
    public const string ToolsVm = "DC0_H0_VM0";
    public const string NoToolsVm = "DC0_H0_VM1";
    public const string WaitVm = "DC0_C0_RP0_VM0";
    public const string ConfiguredVm = "DC0_C0_RP0_VM1";

    public const string GuestUser = "root";
    public const string GuestPassword = "Guest-Secret-7f3a";
    public const string ConfiguredUser = "alice";
    public const string ConfiguredPassword = "Alice-Secret-91c2";

    private readonly string _credentialsFile = Path.Combine(Path.GetTempPath(), $"mcvsphere-guest-credentials-{Guid.NewGuid():N}.json");

    /// <summary>A client of the simulator, independent of the host's.</summary>
    public VSphereClient VSphere { get; private set; } = null!;

    protected override string[] SimulatorFlags => ["-guest-user", GuestUser, "-guest-password", GuestPassword];

    protected override string? Plugins => "GuestOps";

    protected override IReadOnlyDictionary<string, string?> HostSettings => new Dictionary<string, string?>
    {
        ["MCVSPHERE_GUEST_CREDENTIALS_FILE"] = _credentialsFile,
    };

    /// <summary>The credentials of a call on <see cref="ToolsVm"/>, to merge into the tool arguments.</summary>
    public static object Root => new { username = GuestUser, password = GuestPassword };

    async Task IAsyncLifetime.InitializeAsync()
    {
        await File.WriteAllTextAsync(_credentialsFile, JsonSerializer.Serialize(new[]
        {
            new { vm_pattern = "DC0_C0_RP0_VM?", username = ConfiguredUser, password = ConfiguredPassword },
        }));
        await base.InitializeAsync();
        VSphere = new VSphereClient(new VSphereConnectionOptions
        {
            Server = Simulator.Url.ToString(),
            User = Simulator.User,
            Password = Simulator.Password,
            Insecure = true,
        });
        await ReconfigureAsync(ToolsVm, new OptionValue("SET.guest.toolsRunningStatus", "guestToolsRunning"));
        await ReconfigureAsync(ConfiguredVm,
            new OptionValue("SET.guest.toolsRunningStatus", "guestToolsRunning"),
            new OptionValue("mcvsphere.guest.username", ConfiguredUser),
            new OptionValue("mcvsphere.guest.password", ConfiguredPassword));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (VSphere is not null)
        {
            await VSphere.DisposeAsync();
        }
        await base.DisposeAsync();
        File.Delete(_credentialsFile);
    }

    /// <summary>Sets extraConfig options of a VM (the simulator's SET.* hooks and per-VM guest credentials among them).</summary>
    public async Task ReconfigureAsync(string vmName, params OptionValue[] options) =>
        await VSphere.ReconfigureVmAsync((await VSphere.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, vmName)).Ref,
            new VirtualMachineConfigSpec { ExtraConfig = options });
}

[CollectionDefinition(Name)]
public sealed class GuestOpsCollection : ICollectionFixture<GuestOpsFixture>
{
    public const string Name = "GuestOps";
}
