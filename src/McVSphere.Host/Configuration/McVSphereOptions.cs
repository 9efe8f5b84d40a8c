using McVSphere.Host.Security;
using Microsoft.Extensions.Logging;

namespace McVSphere.Host.Configuration;

/// <summary>How the MCP server talks to its client.</summary>
public enum McpTransportKind
{
    /// <summary>JSON-RPC over stdin/stdout, for one local client.</summary>
    Stdio,

    /// <summary>MCP streamable HTTP on <c>/mcp</c>.</summary>
    StreamableHttp,
}

/// <summary>Where and as whom to connect to vCenter. <see cref="ToString"/> leaves the password out.</summary>
public sealed record VCenterSettings(string Server, string User, string Password, bool Insecure, string? CaBundlePath, string? Thumbprint)
{
    /// <inheritdoc />
    public override string ToString() => $"{User}@{Server}";
}

/// <summary>How long the host waits for vCenter: to open a connection (TCP and TLS), for one call's answer, for a task.</summary>
public sealed record VCenterTimeLimits(TimeSpan Connect, TimeSpan Request, TimeSpan Task)
{
    public static VCenterTimeLimits Default { get; } = new(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(30));
}

/// <summary>Defaults the tools use where an argument is left out.</summary>
public sealed record PlacementDefaults(string? Datacenter, string? Cluster, string? Datastore, string? Network);

/// <summary>The validated configuration of the host.</summary>
public sealed record McVSphereOptions
{
    /// <summary>The vCenter to serve (VCENTER_*); null when the embedded simulator or a targets file provides them.</summary>
    public VCenterSettings? VCenter { get; init; }

    /// <summary>The vCenters of MCVSPHERE_TARGETS_FILE; null without it.</summary>
    public VCenterTargetList? Targets { get; init; }

    /// <summary>
    /// The one target the VCENTER_* variables (or the embedded simulator) define, named
    /// <see cref="VCenterTarget.SingleTargetName"/>, with the VCENTER_* placement defaults.
    /// </summary>
    public VCenterTargetList SingleTarget(VCenterSettings vcenter) =>
        new([new VCenterTarget(VCenterTarget.SingleTargetName, vcenter, Defaults)], VCenterTarget.SingleTargetName, FromFile: false);

    public bool UseSimulator { get; init; }

    public string? SimulatorPath { get; init; }

    public string SimulatorArguments { get; init; } = "";

    public PlacementDefaults Defaults { get; init; } = new(null, null, null, null);

    /// <summary>Objects asked for per PropertyCollector page (MCVSPHERE_PAGE_SIZE).</summary>
    public int PageSize { get; init; } = 1000;

    /// <summary>Keep a live inventory index for lookups (MCVSPHERE_INVENTORY_INDEX).</summary>
    public bool InventoryIndex { get; init; } = true;

    /// <summary>Long calls one caller may run at once (MCVSPHERE_MAX_LONG_CALLS).</summary>
    public int MaxLongCallsPerCaller { get; init; } = 8;

    /// <summary>MCP sessions one caller may hold open at once over stateful HTTP (MCVSPHERE_MAX_SESSIONS_PER_USER).</summary>
    public int MaxSessionsPerCaller { get; init; } = 16;

    /// <summary>The vCenter time limits (VCENTER_CONNECT_TIMEOUT, VCENTER_REQUEST_TIMEOUT, VCENTER_TASK_TIMEOUT).</summary>
    public VCenterTimeLimits TimeLimits { get; init; } = VCenterTimeLimits.Default;

    public McpTransportKind Transport { get; init; }

    public string HttpHost { get; init; } = "127.0.0.1";

    public int HttpPort { get; init; } = 8080;

    /// <summary>One tool per family (MCVSPHERE_TOOL_MODE=compact).</summary>
    public bool CompactTools { get; init; }

    /// <summary>Ask the user before destructive changes (MCVSPHERE_CONFIRM_DESTRUCTIVE).</summary>
    public bool ConfirmDestructive { get; init; } = true;

    /// <summary>Streamable HTTP without sessions (scale-out behind a load balancer).</summary>
    public bool HttpStateless { get; init; }

    /// <summary>The key confirmation states are signed with (MCVSPHERE_REQUEST_STATE_SECRET); null: a random one per process.</summary>
    public byte[]? RequestStateSecret { get; init; }

    /// <summary>How long the stdio server answers requests received before stdin ended (MCVSPHERE_STDIO_DRAIN_TIMEOUT).</summary>
    public TimeSpan StdioDrainTimeout { get; init; } = TimeSpan.FromMinutes(2);

    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    public required string PluginDirectory { get; init; }

    /// <summary>Plugin ids to enable, or null for every plugin found.</summary>
    public IReadOnlySet<string>? EnabledPlugins { get; init; }

    /// <summary>Authentication, RBAC, read-only mode, audit and DNS-rebinding protection.</summary>
    public SecurityOptions Security { get; init; } = new();
}
