using System.ComponentModel;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Safety;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Vim;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.HostAdmin;

[McpServerToolType]
public sealed class ServiceTools(IVSphereSession session)
{
    private static readonly HostServicePolicy[] Policies = [HostServicePolicy.On, HostServicePolicy.Off, HostServicePolicy.Automatic];

    [McpServerTool(Name = "list_services", UseStructuredContent = true), Description("Lists the services of an ESXi host (SSH, ESXi Shell, NTP, syslog, CIM...): key, label, whether it runs, its start policy and firewall rulesets.")]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<HostServiceList> ListServices(
        [Description(HostArguments.HostName)] string? host_name = null,
        CancellationToken cancellationToken = default)
    {
        var host = await HostServices.OpenAsync(session, host_name, cancellationToken);
        return new HostServiceList(host.Host.Name, host.Services.Select(ServiceStatus.Of).ToArray());
    }

    [McpServerTool(Name = "get_service_status", UseStructuredContent = true), Description("Tells whether one service of an ESXi host runs, and its start policy.")]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<HostServiceStatus> GetServiceStatus(
        [Description(HostServices.ServiceKeyDescription)] string service_key,
        [Description(HostArguments.HostName)] string? host_name = null,
        CancellationToken cancellationToken = default)
    {
        var host = await HostServices.OpenAsync(session, host_name, cancellationToken);
        return new HostServiceStatus(host.Host.Name, ServiceStatus.Of(host.Find(service_key)));
    }

    [McpServerTool(Name = "start_service", Idempotent = true, UseStructuredContent = true), Description("Starts a service of an ESXi host (starting a running service changes nothing). Reports its state before and after.")]
    [RequiresPermission(PermissionLevel.HostAdmin)]
    [Change("start service '{service_key}' on host {host_name}")]
    public Task<ServiceChange> StartService(
        [Description(HostServices.ServiceKeyDescription)] string service_key,
        [Description(HostArguments.HostName)] string? host_name = null,
        CancellationToken cancellationToken = default) =>
        ChangeAsync(service_key, host_name, "start", (serviceSystem, service) => session.Client.StartServiceAsync(serviceSystem, service.Key, cancellationToken), cancellationToken);

    [McpServerTool(Name = "stop_service", Destructive = true, Idempotent = true, UseStructuredContent = true), Description("Stops a service of an ESXi host; what depends on it stops working (stopping vpxa disconnects the host from vCenter). Reports its state before and after.")]
    [RequiresPermission(PermissionLevel.HostAdmin)]
    [Change("stop service '{service_key}' on host {host_name}")]
    public Task<ServiceChange> StopService(
        [Description(HostServices.ServiceKeyDescription)] string service_key,
        [Description(HostArguments.HostName)] string? host_name = null,
        CancellationToken cancellationToken = default) =>
        ChangeAsync(service_key, host_name, "stop", (serviceSystem, service) => session.Client.StopServiceAsync(serviceSystem, service.Key, cancellationToken), cancellationToken);

    [McpServerTool(Name = "restart_service", Destructive = true, UseStructuredContent = true), Description("Restarts a service of an ESXi host (a stopped one is started), e.g. to apply new settings. Reports its state before and after.")]
    [RequiresPermission(PermissionLevel.HostAdmin)]
    [Change("restart service '{service_key}' on host {host_name}")]
    public Task<ServiceChange> RestartService(
        [Description(HostServices.ServiceKeyDescription)] string service_key,
        [Description(HostArguments.HostName)] string? host_name = null,
        CancellationToken cancellationToken = default) =>
        ChangeAsync(service_key, host_name, "restart", (serviceSystem, service) => session.Client.RestartServiceAsync(serviceSystem, service.Key, cancellationToken), cancellationToken);

    [McpServerTool(Name = "set_service_policy", Idempotent = true, UseStructuredContent = true), Description("Sets when a service of an ESXi host starts: 'on' (starts and stops with the host), 'off' (only by hand) or 'automatic' (with its firewall ports). Does not start or stop it now. Reports its state before and after.")]
    [RequiresPermission(PermissionLevel.HostAdmin)]
    [Change("set the start policy of service '{service_key}' on host {host_name} to {policy}")]
    public Task<ServiceChange> SetServicePolicy(
        [Description(HostServices.ServiceKeyDescription)] string service_key,
        [Description("The start policy: 'on', 'off' or 'automatic'.")] string policy,
        [Description(HostArguments.HostName)] string? host_name = null,
        CancellationToken cancellationToken = default)
    {
        var startPolicy = ParsePolicy(policy);
        return ChangeAsync(service_key, host_name, "set_policy", async (serviceSystem, service) =>
        {
            try
            {
                await session.Client.UpdateServicePolicyAsync(serviceSystem, service.Key, startPolicy, cancellationToken);
            }
            catch (VimFaultException fault) when (fault.FaultType == VimFaultTypes.InvalidArgument)
            {
                var why = service.Required ? $"'{service.Key}' is a service ESXi requires, and the host" : "The host";
                throw ToolException.InvalidArgument(HostServices.ServiceKeyArgument,
                    $"{why} refused to set the policy of '{service.Key}' to '{HostService.ToWire(startPolicy)}': {fault.Message}");
            }
        }, cancellationToken);
    }

    /// <summary>Applies a change to one service and reports its state before and after, both read from the host.</summary>
    private async Task<ServiceChange> ChangeAsync(string serviceKey, string? hostName, string action,
        Func<ManagedObjectReference, HostService, Task> change, CancellationToken cancellationToken)
    {
        var before = await HostServices.OpenAsync(session, hostName, cancellationToken);
        var service = before.Find(serviceKey);
        await change(before.ServiceSystem, service);
        var after = (await before.ReadAgainAsync(session.Client, cancellationToken)).Find(service.Key);
        return new ServiceChange(before.Host.Name, service.Key, service.Label, action, ServiceState.Of(service), ServiceState.Of(after));
    }

    private static HostServicePolicy ParsePolicy(string policy)
    {
        var parsed = Policies.FirstOrDefault(known => string.Equals(HostService.ToWire(known), policy?.Trim(), StringComparison.OrdinalIgnoreCase));
        return parsed != HostServicePolicy.Unknown
            ? parsed
            : throw ToolException.InvalidArgument("policy", $"policy '{policy}' is not a start policy.", Policies.Select(HostService.ToWire).ToArray());
    }
}

/// <summary>The services of a host.</summary>
public sealed record HostServiceList(string Host, IReadOnlyList<ServiceStatus> Services);

/// <summary>One service of a host.</summary>
public sealed record HostServiceStatus(string Host, ServiceStatus Service);

/// <summary>A change to a service: what was done, and its state before and after as read from the host.</summary>
/// <param name="Host">The host.</param>
/// <param name="ServiceKey">The service's key.</param>
/// <param name="Label">Its display name.</param>
/// <param name="Action">start, stop, restart or set_policy.</param>
/// <param name="Before">Its state before the change.</param>
/// <param name="After">Its state after the change, read back.</param>
public sealed record ServiceChange(string Host, string ServiceKey, string Label, string Action, ServiceState Before, ServiceState After);
