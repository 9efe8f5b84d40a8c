using System.ComponentModel;
using System.Text.Json;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Safety;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.HostAdmin;

[McpServerToolType]
public sealed class NtpTools(IVSphereSession session)
{
    private const string NtpServersArgument = "ntp_servers";
    private const string NtpdKey = "ntpd";
    private const string HostConfigFault = "HostConfigFault";
    private static readonly char[] ServerSeparators = [',', ';', ' ', '\t', '\r', '\n'];

    [McpServerTool(Name = "get_ntp_config", UseStructuredContent = true), Description("An ESXi host's time settings: its NTP servers, time zone, and whether the NTP daemon (ntpd) runs and starts with the host.")]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<HostNtpSettings> GetNtpConfig(
        [Description(HostArguments.HostName)] string? host_name = null,
        CancellationToken cancellationToken = default)
    {
        var host = await session.ResolveHostAsync(host_name, cancellationToken);
        var managers = await session.Client.GetConfigManagerAsync(host.Ref, cancellationToken);
        var (dateTime, ntpd) = await ReadAsync(RequireDateTimeSystem(host, managers), managers.ServiceSystem, cancellationToken);
        return new HostNtpSettings(host.Name, dateTime.NtpServers, dateTime.TimeZone?.Key,
            ntpd is null ? null : ServiceState.Of(ntpd), dateTime.NtpConfigFile.Count > 0 ? dateTime.NtpConfigFile : null);
    }

    [McpServerTool(Name = "configure_ntp", Idempotent = true, UseStructuredContent = true), Description("Sets an ESXi host's NTP servers (they replace the current ones) and, unless start_service is false, makes ntpd start with the host and (re)starts it so that it uses them. Reports the servers and ntpd's state before and after.")]
    [RequiresPermission(PermissionLevel.HostAdmin)]
    [Change("set the NTP servers of host {host_name} to {ntp_servers} and, unless start_service is false, (re)start ntpd")]
    public async Task<NtpChange> ConfigureNtp(
        [Description("The NTP servers (host names or IP addresses), in order of preference: a list, e.g. [\"0.pool.ntp.org\", \"1.pool.ntp.org\"], or one comma-separated string, e.g. \"0.pool.ntp.org, 1.pool.ntp.org\".")]
        JsonElement ntp_servers,
        [Description("Also set ntpd's policy to 'on' (start with the host) and start it, or restart it if it runs, so that it uses the new servers. Default true.")]
        bool start_service = true,
        [Description(HostArguments.HostName)] string? host_name = null,
        CancellationToken cancellationToken = default)
    {
        var servers = ParseServers(ntp_servers);
        var host = await session.ResolveHostAsync(host_name, cancellationToken);
        var managers = await session.Client.GetConfigManagerAsync(host.Ref, cancellationToken);
        var dateTimeSystem = RequireDateTimeSystem(host, managers);
        var serviceSystem = start_service ? HostServices.RequireServiceSystem(host, managers) : managers.ServiceSystem;
        var before = await ReadAsync(dateTimeSystem, serviceSystem, cancellationToken);
        // Checked before changing anything, so that a host without ntpd is not left half configured.
        var ntpd = before.Ntpd;
        if (start_service && ntpd is null)
        {
            throw ToolException.NotSupported($"Host '{host.Name}' has no '{NtpdKey}' service to start; pass start_service=false to set the servers only.");
        }

        try
        {
            await session.Client.UpdateDateTimeConfigAsync(dateTimeSystem, new HostDateTimeConfig { NtpConfig = new HostNtpConfig { Server = servers } }, cancellationToken);
        }
        catch (VimFaultException fault) when (fault.FaultType == HostConfigFault)
        {
            throw ToolException.InvalidArgument(NtpServersArgument, $"Host '{host.Name}' refused {NtpServersArgument} ({string.Join(", ", servers)}): {fault.Message}");
        }
        if (start_service)
        {
            await session.Client.UpdateServicePolicyAsync(serviceSystem!, NtpdKey, HostServicePolicy.On, cancellationToken);
            await (ntpd!.Running
                ? session.Client.RestartServiceAsync(serviceSystem!, NtpdKey, cancellationToken)
                : session.Client.StartServiceAsync(serviceSystem!, NtpdKey, cancellationToken));
        }

        var after = await ReadAsync(dateTimeSystem, serviceSystem, cancellationToken);
        return new NtpChange(host.Name, NtpState.Of(before), NtpState.Of(after));
    }

    /// <summary>The time settings and, when the host has a service system, ntpd; the two reads run together.</summary>
    private async Task<(HostDateTimeInfo DateTime, HostService? Ntpd)> ReadAsync(
        ManagedObjectReference dateTimeSystem, ManagedObjectReference? serviceSystem, CancellationToken cancellationToken)
    {
        var dateTime = session.Client.GetDateTimeInfoAsync(dateTimeSystem, cancellationToken);
        var services = serviceSystem is null ? Task.FromResult<IReadOnlyList<HostService>>([]) : session.Client.GetServicesAsync(serviceSystem, cancellationToken);
        await Task.WhenAll(dateTime, services);
        return (await dateTime, (await services).FirstOrDefault(service => service.Key == NtpdKey));
    }

    private static ManagedObjectReference RequireDateTimeSystem(InventoryObject host, HostConfigManager managers) =>
        managers.DateTimeSystem ?? throw ToolException.NotSupported(
            $"Host '{host.Name}' has no date/time system: it is disconnected, or this server does not manage host time settings.");

    /// <summary>
    /// The servers from a JSON list or a comma-separated string (callers of the original pass either; some send the list
    /// as a JSON string), trimmed and without duplicates, each a host name or an IP address.
    /// </summary>
    private static IReadOnlyList<string> ParseServers(JsonElement value)
    {
        var items = value.ValueKind switch
        {
            JsonValueKind.Array => value.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String
                ? item.GetString()!
                : throw ToolException.InvalidArgument(NtpServersArgument, $"{NtpServersArgument} must list server names as strings; found {item.ValueKind}: {item}.")),
            JsonValueKind.String when value.GetString()!.TrimStart().StartsWith('[') => ParseServers(ParseJsonList(value.GetString()!)),
            JsonValueKind.String => [value.GetString()!],
            _ => throw ToolException.InvalidArgument(NtpServersArgument,
                $"{NtpServersArgument} must be a list of servers or a comma-separated string, not {value.ValueKind}."),
        };
        var servers = items.SelectMany(item => item.Split(ServerSeparators, StringSplitOptions.RemoveEmptyEntries))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        if (servers.Length == 0)
        {
            throw ToolException.InvalidArgument(NtpServersArgument, $"{NtpServersArgument} is empty: give at least one NTP server (a host name or an IP address).");
        }
        var invalid = servers.Where(server => Uri.CheckHostName(server) == UriHostNameType.Unknown).ToArray();
        if (invalid.Length > 0)
        {
            throw ToolException.InvalidArgument(NtpServersArgument,
                $"{NtpServersArgument} holds {string.Join(", ", invalid.Select(server => $"'{server}'"))}, which is not a host name or an IP address.");
        }
        return servers;
    }

    private static JsonElement ParseJsonList(string text)
    {
        try
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException error)
        {
            throw ToolException.InvalidArgument(NtpServersArgument, $"{NtpServersArgument} looks like a JSON list but is not valid JSON: {error.Message}");
        }
    }
}

/// <summary>The result of get_ntp_config.</summary>
/// <param name="Host">The host.</param>
/// <param name="NtpServers">Its NTP servers, in order.</param>
/// <param name="TimeZone">Its time zone (ESXi runs in UTC).</param>
/// <param name="Ntpd">Whether the NTP daemon runs and when it starts; absent when the host does not say.</param>
/// <param name="NtpConfigFile">The lines of ntp.conf, when the host reports them.</param>
public sealed record HostNtpSettings(string Host, IReadOnlyList<string> NtpServers, string? TimeZone, ServiceState? Ntpd, IReadOnlyList<string>? NtpConfigFile);

/// <summary>The NTP servers and ntpd's state at one moment.</summary>
public sealed record NtpState(IReadOnlyList<string> NtpServers, ServiceState? Ntpd)
{
    internal static NtpState Of((HostDateTimeInfo DateTime, HostService? Ntpd) read) =>
        new(read.DateTime.NtpServers, read.Ntpd is null ? null : ServiceState.Of(read.Ntpd));
}

/// <summary>The result of configure_ntp: the host's NTP state before and after, both read from the host.</summary>
public sealed record NtpChange(string Host, NtpState Before, NtpState After);
