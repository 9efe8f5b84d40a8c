namespace McVSphere.VSphere.Vim;

/// <summary>What the server is (<c>ServiceContent.about</c>).</summary>
/// <param name="Name">Product name, e.g. "VMware vCenter Server".</param>
/// <param name="FullName">Name, version and build, e.g. "VMware vCenter Server 8.0.2 build-22617221".</param>
/// <param name="Vendor">"VMware, Inc.".</param>
/// <param name="Version">Product version, e.g. "8.0.2".</param>
/// <param name="Build">Build number.</param>
/// <param name="OsType">Operating system of the server, e.g. "linux-x64".</param>
/// <param name="ProductLineId">"vpx" for vCenter, "embeddedEsx" for ESXi.</param>
/// <param name="ApiType">"VirtualCenter" or "HostAgent".</param>
/// <param name="ApiVersion">The vim25 API version, e.g. "8.0.2.0".</param>
/// <param name="InstanceUuid">The vCenter instance UUID (null on ESXi).</param>
public sealed record AboutInfo(
    string Name,
    string FullName,
    string Vendor,
    string Version,
    string Build,
    string OsType,
    string ProductLineId,
    string ApiType,
    string ApiVersion,
    string? InstanceUuid)
{
    internal static AboutInfo From(VimObject about) => new(
        about.GetString("name") ?? "",
        about.GetString("fullName") ?? "",
        about.GetString("vendor") ?? "",
        about.GetString("version") ?? "",
        about.GetString("build") ?? "",
        about.GetString("osType") ?? "",
        about.GetString("productLineId") ?? "",
        about.GetString("apiType") ?? "",
        about.GetString("apiVersion") ?? "",
        about.GetString("instanceUuid"));

    /// <summary>Whether the server is an ESXi host reached directly (<see cref="ApiType"/> "HostAgent"), not vCenter.</summary>
    public bool IsHostAgent => ApiType == "HostAgent";
}

/// <summary>
/// The server's <c>ServiceContent</c>: what it is and the managers through which everything is done. A manager is null
/// when the server has none (an ESXi host has no <see cref="EventManager"/>-driven vCenter features, for example).
/// </summary>
public sealed record ServiceContent
{
    /// <summary>What the server is.</summary>
    public required AboutInfo About { get; init; }

    /// <summary>The root folder of the inventory.</summary>
    public required ManagedObjectReference RootFolder { get; init; }

    /// <summary>The default PropertyCollector.</summary>
    public required ManagedObjectReference PropertyCollector { get; init; }

    /// <summary>The SessionManager.</summary>
    public required ManagedObjectReference SessionManager { get; init; }

    /// <summary>The ViewManager (container views).</summary>
    public ManagedObjectReference? ViewManager { get; init; }

    /// <summary>The SearchIndex.</summary>
    public ManagedObjectReference? SearchIndex { get; init; }

    /// <summary>The TaskManager.</summary>
    public ManagedObjectReference? TaskManager { get; init; }

    /// <summary>The EventManager.</summary>
    public ManagedObjectReference? EventManager { get; init; }

    /// <summary>The AlarmManager.</summary>
    public ManagedObjectReference? AlarmManager { get; init; }

    /// <summary>The PerformanceManager.</summary>
    public ManagedObjectReference? PerfManager { get; init; }

    /// <summary>The LicenseManager.</summary>
    public ManagedObjectReference? LicenseManager { get; init; }

    /// <summary>The FileManager (datastore files).</summary>
    public ManagedObjectReference? FileManager { get; init; }

    /// <summary>The VirtualDiskManager.</summary>
    public ManagedObjectReference? VirtualDiskManager { get; init; }

    /// <summary>The OvfManager.</summary>
    public ManagedObjectReference? OvfManager { get; init; }

    /// <summary>The GuestOperationsManager.</summary>
    public ManagedObjectReference? GuestOperationsManager { get; init; }

    /// <summary>The CustomFieldsManager.</summary>
    public ManagedObjectReference? CustomFieldsManager { get; init; }

    /// <summary>The OptionManager of the server's settings.</summary>
    public ManagedObjectReference? Setting { get; init; }

    /// <summary>The AuthorizationManager.</summary>
    public ManagedObjectReference? AuthorizationManager { get; init; }

    /// <summary>The DistributedVirtualSwitchManager.</summary>
    public ManagedObjectReference? DvSwitchManager { get; init; }

    internal static ServiceContent From(VimObject content) => new()
    {
        About = AboutInfo.From(content.GetObject("about") ?? new VimObject("AboutInfo", [])),
        RootFolder = Required(content, "rootFolder"),
        PropertyCollector = Required(content, "propertyCollector"),
        SessionManager = Required(content, "sessionManager"),
        ViewManager = content.GetReference("viewManager"),
        SearchIndex = content.GetReference("searchIndex"),
        TaskManager = content.GetReference("taskManager"),
        EventManager = content.GetReference("eventManager"),
        AlarmManager = content.GetReference("alarmManager"),
        PerfManager = content.GetReference("perfManager"),
        LicenseManager = content.GetReference("licenseManager"),
        FileManager = content.GetReference("fileManager"),
        VirtualDiskManager = content.GetReference("virtualDiskManager"),
        OvfManager = content.GetReference("ovfManager"),
        GuestOperationsManager = content.GetReference("guestOperationsManager"),
        CustomFieldsManager = content.GetReference("customFieldsManager"),
        Setting = content.GetReference("setting"),
        AuthorizationManager = content.GetReference("authorizationManager"),
        DvSwitchManager = content.GetReference("dvSwitchManager"),
    };

    private static ManagedObjectReference Required(VimObject content, string field) =>
        content.GetReference(field) ?? throw new FormatException($"The server's ServiceContent has no {field}.");
}

/// <summary>The logged-in session (<c>UserSession</c>).</summary>
/// <param name="Key">The session id.</param>
/// <param name="UserName">The user, as the server names it (e.g. <c>VSPHERE.LOCAL\svc</c>).</param>
/// <param name="FullName">The user's display name.</param>
/// <param name="LoginTime">When the session logged in.</param>
public sealed record UserSession(string Key, string UserName, string? FullName, DateTimeOffset? LoginTime)
{
    internal static UserSession From(VimObject session) => new(
        session.GetString("key") ?? "",
        session.GetString("userName") ?? "",
        session.GetString("fullName"),
        session.GetDateTime("loginTime"));
}
