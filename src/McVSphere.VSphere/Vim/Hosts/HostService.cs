namespace McVSphere.VSphere.Vim;

/// <summary>When a host service starts (<c>HostServicePolicy</c>).</summary>
public enum HostServicePolicy
{
    /// <summary>A value this client does not know.</summary>
    Unknown,
    /// <summary>Starts and stops with the host.</summary>
    On,
    /// <summary>Started and stopped by hand only.</summary>
    Off,
    /// <summary>Starts with the host if any of its firewall ports is open, and stops when all are closed.</summary>
    Automatic,
}

/// <summary>One service of an ESXi host (<c>HostService</c>, from <c>HostServiceSystem.serviceInfo</c>).</summary>
/// <param name="Key">The service id that the HostServiceSystem methods take, e.g. <c>ntpd</c> or <c>TSM-SSH</c>.</param>
/// <param name="Label">Its display name, e.g. "NTP Daemon".</param>
/// <param name="Required">Whether ESXi needs it (its policy cannot be changed).</param>
/// <param name="Uninstallable">Whether it can be uninstalled.</param>
/// <param name="Running">Whether it is running now.</param>
/// <param name="Policy">When it starts.</param>
/// <param name="Ruleset">The firewall rulesets it uses.</param>
/// <param name="SourcePackageName">The VIB it comes from, e.g. <c>esx-base</c>.</param>
public sealed record HostService(
    string Key,
    string Label,
    bool Required,
    bool Uninstallable,
    bool Running,
    HostServicePolicy Policy,
    IReadOnlyList<string> Ruleset,
    string? SourcePackageName)
{
    /// <summary>The wire name of a policy (<c>on</c>, <c>off</c>, <c>automatic</c>).</summary>
    public static string ToWire(HostServicePolicy policy) => VimEnum<HostServicePolicy>.ToWire(policy);

    /// <summary>Reads the services of a <c>HostServiceInfo</c> (its <c>service</c> array); unset gives none.</summary>
    public static IReadOnlyList<HostService> ListFrom(VimValue? serviceInfo) =>
        (serviceInfo as VimObject)?.GetArray("service").OfType<VimObject>().Select(From).ToArray() ?? [];

    private static HostService From(VimObject service) => new(
        service.GetString("key") ?? throw new FormatException("A host service has no key."),
        service.GetString("label") ?? "",
        service.GetBoolean("required") ?? false,
        service.GetBoolean("uninstallable") ?? false,
        service.GetBoolean("running") ?? false,
        service.GetEnum("policy", HostServicePolicy.Unknown) ?? HostServicePolicy.Unknown,
        service.GetStrings("ruleset"),
        service.GetString("sourcePackage.sourcePackageName"));
}
