namespace McVSphere.Host.Configuration;

/// <summary>
/// Every setting the host reads, in one table: --help prints it, docs/configuration.md is generated from it, and
/// <see cref="McVSphereOptionsReader"/> reads only names listed here.
/// </summary>
public static class HostSettings
{
    public static readonly SettingDefinition VCenterHost = new("VCENTER_HOST", "vCenter", "vCenter or ESXi host name, host:port or https URL. Required unless the embedded simulator is used.");
    public static readonly SettingDefinition VCenterUser = new("VCENTER_USER", "vCenter", "User name, e.g. svc-mcvsphere@vsphere.local.");
    public static readonly SettingDefinition VCenterPassword = new("VCENTER_PASSWORD", "vCenter", "Password of VCENTER_USER. Never logged.", IsSecret: true);
    public static readonly SettingDefinition VCenterInsecure = new("VCENTER_INSECURE", "vCenter", "Skip TLS certificate verification (lab use only).", "false");
    public static readonly SettingDefinition VCenterCaBundle = new("VCENTER_CA_BUNDLE", "vCenter", "PEM file of CA certificates to trust for vCenter, in addition to the system store.");
    public static readonly SettingDefinition VCenterThumbprint = new("VCENTER_THUMBPRINT", "vCenter", "SHA-256 thumbprint (hex, colons optional) that vCenter's certificate must match; pins it instead of CA verification.");
    public static readonly SettingDefinition VCenterDatacenter = new("VCENTER_DATACENTER", "vCenter", "Default datacenter for tools that need one.", "the first datacenter");
    public static readonly SettingDefinition VCenterCluster = new("VCENTER_CLUSTER", "vCenter", "Default cluster for tools that need one.", "the first cluster");
    public static readonly SettingDefinition VCenterDatastore = new("VCENTER_DATASTORE", "vCenter", "Default datastore for new VMs and disks.", "the datastore with most free space");
    public static readonly SettingDefinition VCenterNetwork = new("VCENTER_NETWORK", "vCenter", "Default network for new NICs.", "\"VM Network\", else the first network");

    public static readonly SettingDefinition Transport = new("MCP_TRANSPORT", "Transport", "stdio or streamable-http.", "stdio");
    public static readonly SettingDefinition HttpHost = new("MCP_HOST", "Transport", "HTTP bind address. Without OAuth only loopback addresses are allowed.", "127.0.0.1");
    public static readonly SettingDefinition HttpPort = new("MCP_PORT", "Transport", "HTTP port.", "8080");

    public static readonly SettingDefinition LogLevel = new("LOG_LEVEL", "Logging", "DEBUG, INFO, WARNING or ERROR. Logs always go to stderr.", "INFO");

    public static readonly SettingDefinition PluginDirectory = new("MCVSPHERE_PLUGIN_DIR", "Plugins", "Directory holding one sub-folder per plugin.", "plugins/ beside the host");
    public static readonly SettingDefinition EnabledPlugins = new("MCVSPHERE_PLUGINS", "Plugins", "Comma-separated plugin ids to enable, e.g. Inventory,VmLifecycle.", "every plugin found");

    public static readonly SettingDefinition Simulator = new("MCVSPHERE_SIMULATOR", "Simulator", "Start the bundled vCenter simulator on loopback and serve it (same as --simulator). For trying McVSphere out, never for production.", "false");
    public static readonly SettingDefinition SimulatorPath = new("MCVSPHERE_SIMULATOR_PATH", "Simulator", "Path of the simulator binary.", "simulator/mcvsphere-vcsim beside the host");
    public static readonly SettingDefinition SimulatorArguments = new("MCVSPHERE_SIMULATOR_ARGS", "Simulator", "Extra command-line flags for the simulator, e.g. \"-vm 50\".");

    /// <summary>All settings, in documentation order.</summary>
    public static IReadOnlyList<SettingDefinition> All { get; } =
    [
        VCenterHost, VCenterUser, VCenterPassword, VCenterInsecure, VCenterCaBundle, VCenterThumbprint,
        VCenterDatacenter, VCenterCluster, VCenterDatastore, VCenterNetwork,
        Transport, HttpHost, HttpPort, LogLevel, PluginDirectory, EnabledPlugins,
        Simulator, SimulatorPath, SimulatorArguments,
    ];
}
