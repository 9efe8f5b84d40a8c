using McVSphere.Host.Configuration;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McVSphere.Host.Hosting;

/// <summary>One served target: its own vSphere client (session, keep-alive, re-login, inventory index) and placement defaults.</summary>
public sealed class TargetSession(VCenterTarget target, VSphereClient client, bool isSimulator) : IVSphereSession
{
    public string Name => Target.Name;

    public VCenterTarget Target { get; } = target;

    public VSphereClient Client { get; } = client;

    public VSphereDefaults Defaults { get; } = new(target.Defaults.Datacenter, target.Defaults.Cluster, target.Defaults.Datastore, target.Defaults.Network);

    public bool IsSimulator { get; } = isSimulator;
}

/// <summary>
/// The served targets, and which one the code running now works on: a tool call is routed to its target
/// (<see cref="Enter"/>, an async-local scope), and everything else means the default target. Logs every client out
/// when the host stops.
/// </summary>
public sealed class VCenterTargets : IAsyncDisposable
{
    private readonly AsyncLocal<TargetSession?> _current = new();
    private readonly Dictionary<string, TargetSession> _byName;

    public VCenterTargets(VCenterTargetList targets, Func<VCenterTarget, VSphereClient> connect, bool isSimulator)
    {
        All = [.. targets.All.Select(target => new TargetSession(target, connect(target), isSimulator))];
        _byName = All.ToDictionary(session => session.Name, StringComparer.OrdinalIgnoreCase);
        Default = _byName[targets.Default];
        FromFile = targets.FromFile;
    }

    /// <summary>The argument every tool takes when several targets are configured.</summary>
    public const string Argument = "vcenter";

    /// <summary>The <see cref="Argument"/> value that means every target the caller may read (listings only).</summary>
    public const string Everywhere = "*";

    public IReadOnlyList<TargetSession> All { get; }

    public TargetSession Default { get; }

    /// <summary>Whether the targets come from MCVSPHERE_TARGETS_FILE, so that tools take <see cref="Argument"/>.</summary>
    public bool FromFile { get; }

    /// <summary>The target of the call running now; the default one outside calls.</summary>
    public TargetSession Current => _current.Value ?? Default;

    /// <summary>Routes the code that runs until the scope is disposed (and what it starts) to <paramref name="target"/>.</summary>
    public Scope Enter(TargetSession target)
    {
        var previous = _current.Value;
        _current.Value = target;
        return new Scope(this, previous);
    }

    /// <summary>The target named <paramref name="name"/> (ignoring case), or null.</summary>
    public TargetSession? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The target named <paramref name="name"/>; an unknown name is a tool error listing the closest names and every target.</summary>
    public TargetSession Require(string name)
    {
        if (Find(name) is { } target)
        {
            return target;
        }
        var names = All.Select(t => t.Name).ToList();
        var closest = ClosestNames.Find(name, names);
        throw new ToolException(ToolErrorKind.NotFound,
            $"{Argument}: '{name}' is no vCenter this server serves; the targets are {string.Join(", ", names)} (default: {Default.Name}).",
            Argument, closest);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var target in All)
        {
            await target.Client.DisposeAsync();
        }
    }

    /// <summary>Restores the target that was current before <see cref="Enter"/>.</summary>
    public readonly struct Scope(VCenterTargets targets, TargetSession? previous) : IDisposable
    {
        public void Dispose() => targets._current.Value = previous;
    }
}

/// <summary>The session plugins see: that of the target the current call is routed to.</summary>
internal sealed class RoutedVSphereSession(VCenterTargets targets) : IVSphereSession
{
    public VSphereClient Client => targets.Current.Client;

    public VSphereDefaults Defaults => targets.Current.Defaults;

    public bool IsSimulator => targets.Current.IsSimulator;
}

/// <summary>Registers the targets' vSphere clients and the session plugins see.</summary>
public static class VSphereSessionServiceCollectionExtensions
{
    public static IServiceCollection AddVSphereSession(this IServiceCollection services, VCenterTargetList targets, bool isSimulator,
        int pageSize = 1000, bool inventoryIndex = true, VCenterTimeLimits? limits = null)
    {
        services.AddSingleton(provider => new VCenterTargets(targets,
            target => new VSphereClient(ToConnectionOptions(target.Connection, limits ?? VCenterTimeLimits.Default, pageSize, inventoryIndex, targets.FromFile ? target.Name : null),
                provider.GetRequiredService<ILoggerFactory>()),
            isSimulator));
        services.AddSingleton<IVSphereSession>(provider => new RoutedVSphereSession(provider.GetRequiredService<VCenterTargets>()));
        return services;
    }

    /// <param name="targetName">The target's name in a targets file, so that errors name the target; null for the VCENTER_* variables.</param>
    public static VSphereConnectionOptions ToConnectionOptions(VCenterSettings vcenter, VCenterTimeLimits limits, int pageSize, bool inventoryIndex, string? targetName) => new()
    {
        Server = vcenter.Server,
        ServerSettingName = targetName is null ? HostSettings.VCenterHost.Name : $"{HostSettings.TargetsFile.Name} target '{targetName}' host",
        ConnectTimeout = limits.Connect,
        RequestTimeout = limits.Request,
        TaskTimeout = limits.Task,
        User = vcenter.User,
        Password = vcenter.Password,
        Insecure = vcenter.Insecure,
        CaBundlePath = vcenter.CaBundlePath,
        Thumbprint = vcenter.Thumbprint,
        PropertyPageSize = pageSize,
        InventoryIndex = inventoryIndex,
    };
}
