using System.Collections.Concurrent;
using System.Text.Json;
using McVSphere.Testing;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McVSphere.Plugins.HostAdmin.Tests;

/// <summary>
/// The simulator served by the host with the HostAdmin plugin, plus a vSphere client of the tests' own
/// (<see cref="VSphere"/>) to read back what the tools did, straight from the simulator.
/// </summary>
public abstract class HostAdminFixture : SimulatorHostFixture, IAsyncLifetime
{
    /// <summary>A client of the simulator, independent of the host's.</summary>
    public VSphereClient VSphere { get; private set; } = null!;

    protected override string? Plugins => "HostAdmin";

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

    public async Task<ManagedObjectReference> FindHostAsync(string name) =>
        (await VSphere.Lookup.FindAsync(VSphereObjectKind.Host, name)).Ref;

    /// <summary>Reads properties of a host found by name.</summary>
    public async Task<ObjectContent> ReadHostAsync(string name, params string[] paths) =>
        await VSphere.Properties.RetrieveAsync(await FindHostAsync(name), paths);

    /// <summary>A host's services, from its HostServiceSystem.</summary>
    public async Task<IReadOnlyList<HostService>> ReadServicesAsync(string host)
    {
        var managers = await VSphere.GetConfigManagerAsync(await FindHostAsync(host));
        return await VSphere.GetServicesAsync(managers.ServiceSystem!);
    }

    public async Task<HostService> ReadServiceAsync(string host, string key) =>
        Assert.Single(await ReadServicesAsync(host), service => service.Key == key);

    /// <summary>A host's time settings, from its HostDateTimeSystem.</summary>
    public async Task<HostDateTimeInfo> ReadDateTimeAsync(string host)
    {
        var managers = await VSphere.GetConfigManagerAsync(await FindHostAsync(host));
        return await VSphere.GetDateTimeInfoAsync(managers.DateTimeSystem!);
    }
}

/// <summary>The simulator's default inventory: hosts DC0_C0_H0..H2 in cluster DC0_C0, and standalone DC0_H0.</summary>
public sealed class MultiHostFixture : HostAdminFixture
{
    public static readonly string[] Hosts = ["DC0_C0_H0", "DC0_C0_H1", "DC0_C0_H2", "DC0_H0"];
}

/// <summary>All the multi-host test classes share one simulator (they use distinct hosts for what they change) and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class MultiHostCollection : ICollectionFixture<MultiHostFixture>
{
    public const string Name = "multi-host inventory";
}

/// <summary>An inventory with one host (standalone DC0_H0, no cluster), whose reboot and shutdown tasks take 1 s.</summary>
public sealed class SingleHostFixture : HostAdminFixture
{
    public const string Host = "DC0_H0";

    protected override string[] SimulatorFlags => ["-cluster", "0", "-nodrs-cluster", "0", "-standalone-host", "1", "-task-delay", "1s"];
}

/// <summary>
/// An ESXi host reached directly (the test bed's <c>-esx</c>: about.apiType HostAgent, one host, no vCenter): the server
/// is the host, so a reboot or shutdown takes the connection down with it. A reboot keeps it down 2 s.
/// </summary>
public sealed class EsxiDirectFixture : HostAdminFixture
{
    protected override string[] SimulatorFlags => ["-esx", "-esx-reboot-downtime", "2s"];

    /// <summary>The test bed's boot state ("up", "down" while rebooting, "off" once shut down), once it is <paramref name="state"/> or after 2 minutes.</summary>
    public async Task<(string State, int Boots)> WaitForHostStateAsync(string state)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) };
        using var boot = JsonDocument.Parse(await http.GetStringAsync(new Uri(Simulator.Url, $"/vcsim/esx-boot?wait=120s&state={state}")));
        return (boot.RootElement.GetProperty("state").GetString()!, boot.RootElement.GetProperty("boots").GetInt32());
    }
}
