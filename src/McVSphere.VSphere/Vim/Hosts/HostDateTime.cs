using McVSphere.VSphere.Soap;

namespace McVSphere.VSphere.Vim;

/// <summary>A time zone of an ESXi host (<c>HostDateTimeSystemTimeZone</c>).</summary>
/// <param name="Key">Its identifier, e.g. <c>UTC</c>.</param>
/// <param name="Name">Its name.</param>
/// <param name="Description">Its description.</param>
/// <param name="GmtOffset">Its offset from GMT, in seconds.</param>
public sealed record HostTimeZone(string Key, string Name, string Description, int GmtOffset);

/// <summary>An ESXi host's time settings (<c>HostDateTimeInfo</c>, from <c>HostDateTimeSystem.dateTimeInfo</c>).</summary>
/// <param name="TimeZone">The host's time zone, when set.</param>
/// <param name="NtpServers">The NTP servers, in order (<c>ntpConfig.server</c>).</param>
/// <param name="NtpConfigFile">The lines of ntp.conf, when the server reports them (<c>ntpConfig.configFile</c>).</param>
public sealed record HostDateTimeInfo(HostTimeZone? TimeZone, IReadOnlyList<string> NtpServers, IReadOnlyList<string> NtpConfigFile)
{
    /// <summary>Reads a <c>HostDateTimeInfo</c> data object; unset gives no time zone and no servers.</summary>
    public static HostDateTimeInfo From(VimValue? dateTimeInfo)
    {
        var info = dateTimeInfo as VimObject;
        var zone = info?.GetObject("timeZone");
        return new HostDateTimeInfo(
            zone is null ? null : new HostTimeZone(zone.GetString("key") ?? "", zone.GetString("name") ?? "", zone.GetString("description") ?? "", zone.GetInt32("gmtOffset") ?? 0),
            info?.GetStrings("ntpConfig.server") ?? [],
            info?.GetStrings("ntpConfig.configFile") ?? []);
    }
}

/// <summary>Changes to an ESXi host's time settings (<c>HostDateTimeConfig</c>), for UpdateDateTimeConfig. Unset fields stay as they are.</summary>
public sealed record HostDateTimeConfig : VimDataObject
{
    /// <summary>The time zone key (one of HostDateTimeSystem.QueryAvailableTimeZones).</summary>
    public string? TimeZone { get; init; }

    /// <summary>The NTP settings; replaces the current ones.</summary>
    public HostNtpConfig? NtpConfig { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("timeZone", TimeZone);
        writer.Write("ntpConfig", NtpConfig);
    }
}

/// <summary>NTP settings of an ESXi host (<c>HostNtpConfig</c>).</summary>
public sealed record HostNtpConfig : VimDataObject
{
    /// <summary>The NTP servers (host names or IP addresses), in order of preference.</summary>
    public IReadOnlyList<string>? Server { get; init; }

    /// <summary>The content of ntp.conf, one line per item: an alternative to <see cref="Server"/>.</summary>
    public IReadOnlyList<string>? ConfigFile { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("server", Server);
        writer.Write("configFile", ConfigFile);
    }
}
