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

    protected override string[] SimulatorFlags => ["-cluster", "0", "-standalone-host", "1", "-task-delay", "1s"];
}

/// <summary>
/// Records the MCP progress notifications of the calls made with its <see cref="Options"/>. It listens on the whole
/// session rather than through <c>CallToolAsync</c>'s progress parameter: the server sends each notification without
/// waiting for the previous one, so the last ones can arrive after the result, when the call has stopped listening.
/// </summary>
public sealed class ProgressRecorder : IAsyncDisposable
{
    private readonly ConcurrentQueue<ProgressNotificationValue> _values = new();
    private readonly ProgressToken _token = new(Guid.NewGuid().ToString("N"));
    private readonly IAsyncDisposable _registration;

    public ProgressRecorder(McpClient client) =>
        _registration = client.RegisterNotificationHandler(NotificationMethods.ProgressNotification, (notification, _) =>
        {
            var progress = notification.Params.Deserialize<ProgressNotificationParams>(McpJsonUtilities.DefaultOptions);
            if (progress is not null && progress.ProgressToken.Equals(_token))
            {
                _values.Enqueue(progress.Progress);
            }
            return ValueTask.CompletedTask;
        });

    /// <summary>Request options that ask for progress notifications under this recorder's token.</summary>
    public RequestOptions Options => new() { ProgressToken = _token };

    /// <summary>Waits (a second at most) until a notification says 100%, and returns them all, in arrival order.</summary>
    public async Task<IReadOnlyList<ProgressNotificationValue>> WaitForCompletionAsync()
    {
        for (var attempt = 0; attempt < 50 && !_values.Any(value => value.Progress >= 100); attempt++)
        {
            await Task.Delay(20);
        }
        return _values.ToArray();
    }

    public ValueTask DisposeAsync() => _registration.DisposeAsync();
}

public static class ProgressCalls
{
    /// <summary>Calls a tool that must succeed, with progress notifications going to <paramref name="progress"/>, and parses its JSON result.</summary>
    public static async Task<JsonElement> CallJsonAsync(this McpClient client, string tool, object arguments, ProgressRecorder progress)
    {
        var result = await client.CallToolAsync(tool,
            JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(arguments)), options: progress.Options);
        var text = McpClientExtensions.Text(result);
        Assert.False(result.IsError == true, $"{tool} failed: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
