namespace McVSphere.Host.Configuration;

/// <summary>
/// Every setting the host reads, in one table: --help prints it, docs/configuration.md is generated from it, and
/// <see cref="McVSphereOptionsReader"/> reads only names listed here.
/// </summary>
public static class HostSettings
{
    public static readonly SettingDefinition VCenterHost = new("VCENTER_HOST", "vCenter", "vCenter or ESXi host name, host:port or https URL (path empty or /sdk; no credentials, spaces or query). Checked at start. Required unless the embedded simulator is used.");
    public static readonly SettingDefinition VCenterUser = new("VCENTER_USER", "vCenter", "User name, e.g. svc-mcvsphere@vsphere.local.");
    public static readonly SettingDefinition VCenterPassword = new("VCENTER_PASSWORD", "vCenter", "Password of VCENTER_USER. Never logged.", IsSecret: true);
    public static readonly SettingDefinition VCenterInsecure = new("VCENTER_INSECURE", "vCenter", "Skip TLS certificate verification, of vCenter and of the ESXi hosts transfers go to (lab use only).", "false");
    public static readonly SettingDefinition VCenterCaBundle = new("VCENTER_CA_BUNDLE", "vCenter", "PEM file of CA certificates to trust for vCenter, in addition to the system store.");
    public static readonly SettingDefinition VCenterThumbprint = new("VCENTER_THUMBPRINT", "vCenter", "SHA-256 thumbprint (hex, colons optional) that vCenter's certificate must match; pins it instead of CA verification. It pins vCenter only: ESXi hosts, which serve guest file and disk transfers themselves, are trusted by the thumbprint vCenter gives for each (summary.config.sslThumbprint, an NFC lease's sslThumbprint).");
    public static readonly SettingDefinition VCenterConnectTimeout = new("VCENTER_CONNECT_TIMEOUT", "vCenter", "Seconds to open a connection to vCenter (TCP connect and TLS handshake) before the call fails naming the server.", "30");
    public static readonly SettingDefinition VCenterRequestTimeout = new("VCENTER_REQUEST_TIMEOUT", "vCenter", "Seconds vCenter has to answer one call (and the longest silence in a file transfer) before it fails naming the server.", "120");
    public static readonly SettingDefinition VCenterTaskTimeout = new("VCENTER_TASK_TIMEOUT", "vCenter", "Seconds a tool waits for a vSphere task (clone, migration, power...) unless its timeout_s argument says otherwise. A wait that ends leaves the task running and returns its id, which the recent tasks list and cancel_task take.", "1800");
    public static readonly SettingDefinition VCenterDatacenter = new("VCENTER_DATACENTER", "vCenter", "Default datacenter for tools that need one.", "the first datacenter");
    public static readonly SettingDefinition VCenterCluster = new("VCENTER_CLUSTER", "vCenter", "Default cluster for tools that need one.", "the first cluster");
    public static readonly SettingDefinition VCenterDatastore = new("VCENTER_DATASTORE", "vCenter", "Default datastore for new VMs and disks.", "the datastore with most free space");
    public static readonly SettingDefinition VCenterNetwork = new("VCENTER_NETWORK", "vCenter", "Default network for new NICs.", "\"VM Network\", else the first network");
    public static readonly SettingDefinition TargetsFile = new("MCVSPHERE_TARGETS_FILE", "vCenter", "JSON file of several vCenters (or ESXi hosts) to serve, instead of the VCENTER_* variables: {\"default\": \"prod\", \"targets\": [{\"name\": \"prod\", \"host\": \"vc-prod.example.com\", \"user\": \"svc@vsphere.local\", \"password_file\": \"/run/secrets/prod\", \"thumbprint\": \"AB:CD:...\", \"datacenter\": \"DC1\"}, ...]}. Each target takes the settings of the VCENTER_* variables, named without the prefix in lower case (host, user, password or password_file, insecure, ca_bundle, thumbprint, datacenter, cluster, datastore, network) and read_only (serve only READ_ONLY tools on it). default names the target of calls that give none; else the first. With it every tool takes a vcenter argument, and listings take vcenter: \"*\" for every target the caller may read. A bad file is refused at start, naming the target and the field.");
    public static readonly SettingDefinition InventoryIndex = new("MCVSPHERE_INVENTORY_INDEX", "vCenter", "Keep a live index of the inventory (one PropertyCollector filter per vCenter session, kept current with WaitForUpdatesEx), so that finding a VM, host or datastore by name makes no round trip to vCenter. Lookups ask vCenter while it fills, for a moment after this server changes something, for names it does not know, and again for a VM that vCenter has deleted or renamed since. Set false to look every name up in vCenter.", "true");
    public static readonly SettingDefinition PageSize = new("MCVSPHERE_PAGE_SIZE", "vCenter", "Objects asked for per PropertyCollector page (RetrievePropertiesEx maxObjects), 1 to 10000. Bulk reads follow the pages to the end; vCenter may return fewer per page.", "1000");

    public static readonly SettingDefinition MaxLongCallsPerCaller = new("MCVSPHERE_MAX_LONG_CALLS", "Access control", "Long calls (tools that wait for a vSphere task, a guest or a transfer and report progress) one caller may run at once, 1 to 1000; past it a call is refused, naming the limit. A caller is a token's issuer and subject, or the local user without OAuth.", "8");
    public static readonly SettingDefinition MaxSessionsPerCaller = new("MCVSPHERE_MAX_SESSIONS_PER_USER", "Access control", "MCP sessions one caller may hold open at once over stateful HTTP, 1 to 10000; past it an initialize is refused (HTTP 429), naming the limit. Sessions end when the client closes them (DELETE) or after 2 h idle. A caller is a token's issuer and subject, or everyone without OAuth.", "16");

    public static readonly SettingDefinition Transport = new("MCP_TRANSPORT", "Transport", "stdio or streamable-http.", "stdio");
    public static readonly SettingDefinition HttpHost = new("MCP_HOST", "Transport", "HTTP bind address. Without OAuth only loopback addresses are allowed, unless MCP_ALLOW_UNAUTHENTICATED=true.", "127.0.0.1");
    public static readonly SettingDefinition HttpPort = new("MCP_PORT", "Transport", "HTTP port.", "8080");
    public static readonly SettingDefinition HttpStateless = new("MCVSPHERE_HTTP_STATELESS", "Transport", "Serve streamable HTTP without sessions, so that several instances behind an ordinary load balancer can serve one client. Server-to-client requests (elicitation) and resource subscriptions need sessions and are off in this mode. Without it, clients that initialize get a session and 2026-07-28 clients, which have none, are served per request on the same endpoint.", "false");

    public static readonly SettingDefinition RequestStateSecret = new("MCVSPHERE_REQUEST_STATE_SECRET", "Transport", "Key that signs what 2026-07-28 clients bring back to any instance: the state of a confirmation (MRTR) and the ids of MCP tasks. The same value, at least 32 characters, on every instance behind one load balancer, so that each accepts the others'. Unset: a random key per process, which only that process accepts. Never logged.", IsSecret: true);
    public static readonly SettingDefinition StdioDrainTimeout = new("MCVSPHERE_STDIO_DRAIN_TIMEOUT", "Transport", "Seconds the stdio server goes on answering the requests it received before stdin ended; calls still running then are cancelled and it exits.", "120");

    public static readonly SettingDefinition OAuthEnabled = new("OAUTH_ENABLED", "OAuth", "Require an OAuth 2.1 bearer token (a JWT from OAUTH_ISSUER_URL) on the HTTP endpoint. Needs MCP_TRANSPORT=streamable-http.", "false");
    public static readonly SettingDefinition OAuthIssuerUrl = new("OAUTH_ISSUER_URL", "OAuth", "Issuer of the OpenID provider, e.g. https://auth.example.com/realms/ops; its /.well-known/openid-configuration gives the signing keys. https, or http on loopback only. Required with OAuth.");
    public static readonly SettingDefinition OAuthBaseUrl = new("OAUTH_BASE_URL", "OAuth", "Public URL of this server as clients reach it, e.g. https://mcp.example.com; the protected resource is <OAUTH_BASE_URL>/mcp. Required with OAuth.");
    public static readonly SettingDefinition OAuthClientId = new("OAUTH_CLIENT_ID", "OAuth", "Client id registered for McVSphere at the provider; accepted as a token audience (Keycloak, Authentik and Okta put it in aud). With OAUTH_CLIENT_SECRET: proxy mode.");
    public static readonly SettingDefinition OAuthClientSecret = new("OAUTH_CLIENT_SECRET", "OAuth", "Secret of the confidential client OAUTH_CLIENT_ID, whose redirect URI at the provider is <OAUTH_BASE_URL>/auth/callback. With both set the server is an OAuth proxy, as mcvsphere was: it serves authorization-server metadata, dynamic client registration, /authorize, /auth/callback and /token to MCP clients, and relays their logins to the provider. It also verifies HS256 provider tokens and introspects opaque ones. The same on every instance. Never logged.", IsSecret: true);
    public static readonly SettingDefinition OAuthClientMetadataNetworks = new("MCVSPHERE_CLIENT_METADATA_ALLOW_NETWORKS", "OAuth", "Proxy mode serves MCP clients whose client_id is the https URL of their client ID metadata document, which it fetches (64 KiB at most, no redirects, kept 5 minutes). Such URLs are reached at public addresses only; this lists addresses or CIDR ranges that may be reached all the same, e.g. 10.20.0.0/16. Unset: only public addresses.");
    public static readonly SettingDefinition OAuthAudience = new("OAUTH_AUDIENCE", "OAuth", "Comma-separated audiences a token must name one of.", "<OAUTH_BASE_URL>/mcp, and OAUTH_CLIENT_ID when set");
    public static readonly SettingDefinition OAuthGroupsClaim = new("OAUTH_GROUPS_CLAIM", "OAuth", "Token claim that lists the caller's groups, e.g. groups, roles, or a namespaced claim such as https://example.com/groups.", "groups");
    public static readonly SettingDefinition OAuthScopes = new("OAUTH_SCOPES", "OAuth", "Space-separated scopes advertised to MCP clients in the protected-resource metadata.", "openid profile email groups");

    public static readonly SettingDefinition RoleMapping = new("MCVSPHERE_ROLE_MAP", "Access control", "OAuth group to permission level, as group=LEVEL pairs separated by commas; replaces the default mapping. A caller gets the highest level among its groups; a caller in no mapped group gets nothing.", Security.RoleMap.Default.ToString());
    public static readonly SettingDefinition StdioRole = new("MCVSPHERE_STDIO_ROLE", "Access control", "Level of the caller when OAuth is off: the local stdio user, or any caller of HTTP without OAuth. Caps the trusted local user.", "FULL_ADMIN");
    public static readonly SettingDefinition ReadOnly = new("MCVSPHERE_READ_ONLY", "Access control", "Serve READ_ONLY tools only, whatever the plugins and roles.", "false");
    public static readonly SettingDefinition AllowUnauthenticated = new("MCP_ALLOW_UNAUTHENTICATED", "Access control", "Allow HTTP without OAuth on a non-loopback MCP_HOST: anyone who reaches the port gets MCVSPHERE_STDIO_ROLE.", "false");
    public static readonly SettingDefinition AllowedHosts = new("MCVSPHERE_ALLOWED_HOSTS", "Access control", "Comma-separated Host header names the HTTP endpoint answers (DNS-rebinding protection); *.example.com matches sub-domains. Others get 400.", "localhost, 127.0.0.1, [::1], the host of OAUTH_BASE_URL and MCP_HOST");
    public static readonly SettingDefinition AllowedOrigins = new("MCVSPHERE_ALLOWED_ORIGINS", "Access control", "Comma-separated Origin values accepted from browsers, e.g. https://app.example.com, or *. A request with another Origin gets 403.", "origins whose host is an allowed host");

    public static readonly SettingDefinition ConfirmDestructive = new("MCVSPHERE_CONFIRM_DESTRUCTIVE", "Access control", "Ask the user before destructive changes (delete_vm, delete_all_snapshots, remove_disk with delete_file, reboot_host...): through MCP elicitation when the client supports it, else the call needs confirm=true. false skips the question.", "true");
    public static readonly SettingDefinition AuditFile = new("MCVSPHERE_AUDIT_FILE", "Audit", "File that gets one JSON line per tool call and per permission denial (appended).");
    public static readonly SettingDefinition AuditStderr = new("MCVSPHERE_AUDIT_STDERR", "Audit", "Also write the audit lines to stderr.", "true");

    public static readonly SettingDefinition ToolMode = new("MCVSPHERE_TOOL_MODE", "Tools", "full: every tool on its own. compact: one tool per family taking an operation and its arguments, for clients capped at a number of tools (e.g. 128).", "full");

    public static readonly SettingDefinition LogLevel = new("LOG_LEVEL", "Logging", "DEBUG, INFO, WARNING or ERROR. Logs always go to stderr.", "INFO");

    public static readonly SettingDefinition PluginDirectory = new("MCVSPHERE_PLUGIN_DIR", "Plugins", "Directory holding one sub-folder per plugin.", "plugins/ beside the host");
    public static readonly SettingDefinition EnabledPlugins = new("MCVSPHERE_PLUGINS", "Plugins", "Comma-separated plugin ids to enable, e.g. Inventory,VmLifecycle.", "every plugin found");

    public static readonly SettingDefinition FileRoot = new("MCVSPHERE_FILE_ROOT", "Files", "Directory of the server's own disk that OVF/OVA sources, export targets, datastore upload sources and download targets must be in (OvfOps). Paths are taken relative to it; a path that leads outside it, through '..', an absolute path or a symbolic link, is refused. Unset: local files are refused, and only datastore paths, URLs and inline content work.");

    public static readonly SettingDefinition UrlAllow = new("MCVSPHERE_URL_ALLOW", "URL sources", "Comma-separated host names that OVF/OVA packages may be downloaded from as http(s) URLs (OvfOps: deploy_ovf, list_ovf_networks), e.g. downloads.example.com, *.example.com (its sub-domains), or * (any host). This covers every redirect and every file the descriptor names. Even an allowed host is reached only at public addresses: see MCVSPHERE_URL_ALLOW_NETWORKS. A URL source needs VM_LIFECYCLE and is off in read-only mode. Unset: URL sources are refused.");
    public static readonly SettingDefinition UrlAllowNetworks = new("MCVSPHERE_URL_ALLOW_NETWORKS", "URL sources", "Comma-separated addresses or CIDR ranges, e.g. 10.20.0.0/16, 192.168.1.5, fd00:1::/64, that URL sources may connect to although they are not public: loopback, private (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7), link-local (169.254/16 with the cloud metadata address 169.254.169.254, fe80::/10), unspecified, multicast or reserved. The address a host name resolves to is checked when connecting, for every redirect. Unset: only public addresses.");

    public static readonly SettingDefinition GuestCredentialsFile = new("MCVSPHERE_GUEST_CREDENTIALS_FILE", "Guest operations", "JSON file of guest OS credentials for the GuestOps tools, used when a call gives no password, so that guest passwords need not pass through the assistant: [{\"vm_pattern\": \"web-*\", \"username\": \"...\", \"password\": \"...\"}]. Patterns take * and ? and ignore case; the first entry matching the VM (and the username, when a call gives only that) applies. Read at start-up; make it readable by the server's account only. Guest passwords never appear in logs or audit lines.");

    public static readonly SettingDefinition Simulator = new("MCVSPHERE_SIMULATOR", "Simulator", "Start the bundled vCenter simulator on loopback and serve it (same as --simulator). For trying McVSphere out, never for production.", "false");
    public static readonly SettingDefinition SimulatorPath = new("MCVSPHERE_SIMULATOR_PATH", "Simulator", "Path of the simulator binary.", "simulator/mcvsphere-vcsim beside the host");
    public static readonly SettingDefinition SimulatorArguments = new("MCVSPHERE_SIMULATOR_ARGS", "Simulator", "Extra command-line flags for the simulator, e.g. \"-vm 50\".");

    public static readonly SettingDefinition EnvFile = new("MCVSPHERE_ENV_FILE", "Configuration files", "File of KEY=VALUE lines read at start-up as the original mcvsphere read its .env (python-dotenv rules: # comments, export prefix, single or double quotes, ${NAME} expanded); a relative path is taken from the working directory. Its settings rank above appsettings.json and below --config FILE and environment variables. none reads no file. Read from the environment only.", ".env in the working directory, when there is one");

    /// <summary>All settings, in documentation order.</summary>
    public static IReadOnlyList<SettingDefinition> All { get; } =
    [
        VCenterHost, VCenterUser, VCenterPassword, VCenterInsecure, VCenterCaBundle, VCenterThumbprint, VCenterConnectTimeout, VCenterRequestTimeout, VCenterTaskTimeout,
        VCenterDatacenter, VCenterCluster, VCenterDatastore, VCenterNetwork, TargetsFile, PageSize, InventoryIndex,
        Transport, HttpHost, HttpPort, HttpStateless, RequestStateSecret, StdioDrainTimeout,
        OAuthEnabled, OAuthIssuerUrl, OAuthBaseUrl, OAuthClientId, OAuthClientSecret, OAuthClientMetadataNetworks, OAuthAudience, OAuthGroupsClaim, OAuthScopes,
        RoleMapping, StdioRole, ReadOnly, ConfirmDestructive, MaxLongCallsPerCaller, MaxSessionsPerCaller, AllowUnauthenticated, AllowedHosts, AllowedOrigins, AuditFile, AuditStderr,
        ToolMode, LogLevel, PluginDirectory, EnabledPlugins,
        FileRoot,
        UrlAllow, UrlAllowNetworks,
        GuestCredentialsFile,
        Simulator, SimulatorPath, SimulatorArguments,
        EnvFile,
    ];
}
