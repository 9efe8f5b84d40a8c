using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.HostAdmin;

/// <summary>Whether a service runs, and when it starts: on, off or automatic.</summary>
public sealed record ServiceState(bool Running, string Policy)
{
    public static ServiceState Of(HostService service) => new(service.Running, HostService.ToWire(service.Policy));
}

/// <summary>One service of a host, as list_services and get_service_status report it.</summary>
/// <param name="Key">The key the service tools take as service_key.</param>
/// <param name="Label">Its display name.</param>
/// <param name="Running">Whether it runs now.</param>
/// <param name="Policy">on (starts and stops with the host), off (manual), automatic (with its firewall ports).</param>
/// <param name="Required">Whether ESXi needs it.</param>
/// <param name="Uninstallable">Whether it can be uninstalled.</param>
/// <param name="FirewallRulesets">The firewall rulesets it uses.</param>
/// <param name="SourcePackage">The VIB it comes from.</param>
public sealed record ServiceStatus(
    string Key, string Label, bool Running, string Policy, bool Required, bool Uninstallable,
    IReadOnlyList<string> FirewallRulesets, string? SourcePackage)
{
    public static ServiceStatus Of(HostService service) => new(
        service.Key, service.Label, service.Running, HostService.ToWire(service.Policy), service.Required, service.Uninstallable,
        service.Ruleset, service.SourcePackageName);
}

/// <summary>A host's service system and its services as read just now.</summary>
internal sealed record HostServices(InventoryObject Host, ManagedObjectReference ServiceSystem, IReadOnlyList<HostService> Services)
{
    public const string ServiceKeyArgument = "service_key";

    public const string ServiceKeyDescription = "The service's key, e.g. 'TSM-SSH' (SSH), 'ntpd' (NTP), 'TSM' (ESXi Shell); list_services lists them.";

    /// <summary>Resolves the host (<see cref="HostSelection"/>) and reads its services: three reads.</summary>
    public static async Task<HostServices> OpenAsync(IVSphereSession session, string? hostName, CancellationToken cancellationToken)
    {
        var host = await session.ResolveHostAsync(hostName, cancellationToken).ConfigureAwait(false);
        var managers = await session.Client.GetConfigManagerAsync(host.Ref, cancellationToken).ConfigureAwait(false);
        var serviceSystem = RequireServiceSystem(host, managers);
        var services = await session.Client.GetServicesAsync(serviceSystem, cancellationToken).ConfigureAwait(false);
        return new HostServices(host, serviceSystem, services);
    }

    /// <summary>The host's service system, or a clear refusal when it has none.</summary>
    public static ManagedObjectReference RequireServiceSystem(InventoryObject host, HostConfigManager managers) =>
        managers.ServiceSystem ?? throw ToolException.NotSupported(
            $"Host '{host.Name}' has no service system: it is disconnected, or this server does not manage host services.");

    /// <summary>The service with that key (exactly, else ignoring case); an unknown key is refused with the valid keys.</summary>
    public HostService Find(string serviceKey)
    {
        if (string.IsNullOrWhiteSpace(serviceKey))
        {
            throw ToolException.InvalidArgument(ServiceKeyArgument, $"{ServiceKeyArgument} is required: name one of the services of host '{Host.Name}'.", Keys);
        }
        var key = serviceKey.Trim();
        return Services.FirstOrDefault(service => string.Equals(service.Key, key, StringComparison.Ordinal))
            ?? Services.FirstOrDefault(service => string.Equals(service.Key, key, StringComparison.OrdinalIgnoreCase))
            ?? throw ToolException.InvalidArgument(ServiceKeyArgument, $"Host '{Host.Name}' has no service whose key is '{key}'.", Keys);
    }

    /// <summary>The services again, after a change, as the host now reports them.</summary>
    public async Task<HostServices> ReadAgainAsync(VSphereClient client, CancellationToken cancellationToken) =>
        this with { Services = await client.GetServicesAsync(ServiceSystem, cancellationToken).ConfigureAwait(false) };

    private IReadOnlyList<string> Keys => Services.Select(service => service.Key).ToArray();
}
