using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace McVSphere.Host.Configuration;

/// <summary>
/// Reads and validates <see cref="McVSphereOptions"/> from configuration, collecting every problem before failing so that
/// one start-up attempt shows all that needs fixing. Secret values never appear in a message.
/// </summary>
public sealed partial class McVSphereOptionsReader(IConfiguration configuration)
{
    private readonly List<string> _problems = [];

    /// <summary>Reads the options; throws <see cref="HostConfigurationException"/> listing every problem.</summary>
    /// <param name="simulatorRequested">--simulator was given on the command line.</param>
    /// <param name="requireVCenter">False for commands that never connect (--list-tools): the vCenter settings are then optional.</param>
    public McVSphereOptions Read(bool simulatorRequested, bool requireVCenter = true)
    {
        var useSimulator = simulatorRequested || ReadBool(HostSettings.Simulator);
        var options = new McVSphereOptions
        {
            UseSimulator = useSimulator,
            Targets = ReadTargetsFile(useSimulator),
            VCenter = Get(HostSettings.TargetsFile) is null ? ReadVCenter(useSimulator, requireVCenter) : null,
            SimulatorPath = Get(HostSettings.SimulatorPath) ?? DefaultSimulatorPath(),
            SimulatorArguments = Get(HostSettings.SimulatorArguments) ?? "",
            Defaults = new PlacementDefaults(
                Get(HostSettings.VCenterDatacenter), Get(HostSettings.VCenterCluster),
                Get(HostSettings.VCenterDatastore), Get(HostSettings.VCenterNetwork)),
            PageSize = ReadCount(HostSettings.PageSize, 1, 10000, "a page size; use a number of objects"),
            InventoryIndex = ReadBool(HostSettings.InventoryIndex),
            MaxLongCallsPerCaller = ReadCount(HostSettings.MaxLongCallsPerCaller, 1, 1000, "a number of calls; use a number"),
            MaxSessionsPerCaller = ReadCount(HostSettings.MaxSessionsPerCaller, 1, 10000, "a number of sessions; use a number"),
            TimeLimits = new VCenterTimeLimits(
                ReadSeconds(HostSettings.VCenterConnectTimeout), ReadSeconds(HostSettings.VCenterRequestTimeout), ReadSeconds(HostSettings.VCenterTaskTimeout)),
            Transport = ReadTransport(),
            HttpHost = Get(HostSettings.HttpHost) ?? HostSettings.HttpHost.Default!,
            HttpPort = ReadPort(),
            HttpStateless = ReadBool(HostSettings.HttpStateless),
            RequestStateSecret = ReadRequestStateSecret(),
            StdioDrainTimeout = ReadSeconds(HostSettings.StdioDrainTimeout),
            ConfirmDestructive = ReadBool(HostSettings.ConfirmDestructive),
            CompactTools = ReadToolMode(),
            LogLevel = ReadLogLevel(),
            PluginDirectory = ReadPluginDirectory(),
            EnabledPlugins = ReadEnabledPlugins(),
        };
        options = options with { Security = ReadSecurity(options) };
        if (_problems.Count > 0)
        {
            throw new HostConfigurationException(_problems);
        }
        return options;
    }

    private string? Get(SettingDefinition setting)
    {
        var value = configuration[setting.Name];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    private void Problem(SettingDefinition setting, string message) => _problems.Add($"{setting.Name}: {message}");

    private byte[]? ReadRequestStateSecret()
    {
        if (Get(HostSettings.RequestStateSecret) is not { } secret)
        {
            return null;
        }
        if (secret.Length < 32)
        {
            Problem(HostSettings.RequestStateSecret, $"is {secret.Length} characters long; use at least 32 random characters (e.g. openssl rand -hex 32).");
            return null;
        }
        return System.Text.Encoding.UTF8.GetBytes(secret);
    }

    private bool ReadBool(SettingDefinition setting)
    {
        var text = Get(setting);
        switch (text?.ToLowerInvariant())
        {
            case null: return bool.Parse(setting.Default ?? "false");
            case "true" or "1" or "yes" or "on": return true;
            case "false" or "0" or "no" or "off": return false;
            default:
                Problem(setting, $"'{text}' is not a boolean; use true or false.");
                return false;
        }
    }

    /// <summary>A duration given in seconds (decimals allowed), more than zero.</summary>
    private TimeSpan ReadSeconds(SettingDefinition setting)
    {
        var text = Get(setting) ?? setting.Default!;
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            && seconds > 0 && seconds <= TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return TimeSpan.FromSeconds(seconds);
        }
        Problem(setting, $"'{text}' is not a duration; give a number of seconds greater than 0, e.g. {setting.Default}.");
        return TimeSpan.FromSeconds(double.Parse(setting.Default!, System.Globalization.CultureInfo.InvariantCulture));
    }

    private VCenterSettings? ReadVCenter(bool useSimulator, bool requireVCenter)
    {
        var server = Get(HostSettings.VCenterHost);
        if (useSimulator)
        {
            if (server is not null)
            {
                Problem(HostSettings.VCenterHost, $"is set to '{server}' while the embedded simulator is requested ({HostSettings.Simulator.Name} or --simulator); choose one.");
            }
            return null;
        }
        if (server is null)
        {
            if (requireVCenter)
            {
                Problem(HostSettings.VCenterHost,
                    $"is not set. Set {HostSettings.VCenterHost.Name}, {HostSettings.VCenterUser.Name} and {HostSettings.VCenterPassword.Name} to serve a vCenter, " +
                    $"or start with --simulator ({HostSettings.Simulator.Name}=true) to try McVSphere against the bundled simulator.");
            }
            return null;
        }
        if (!VSphere.VSphereConnectionOptions.TryGetSdkUri(server, out _, out var serverProblem))
        {
            Problem(HostSettings.VCenterHost, serverProblem);
        }
        var user = Get(HostSettings.VCenterUser);
        var password = configuration[HostSettings.VCenterPassword.Name];
        if (user is null)
        {
            Problem(HostSettings.VCenterUser, $"is required when {HostSettings.VCenterHost.Name} is set.");
        }
        if (string.IsNullOrEmpty(password))
        {
            Problem(HostSettings.VCenterPassword, $"is required when {HostSettings.VCenterHost.Name} is set.");
        }
        var caBundle = Get(HostSettings.VCenterCaBundle);
        if (caBundle is not null && CaBundleProblem(caBundle) is { } caProblem)
        {
            Problem(HostSettings.VCenterCaBundle, caProblem);
        }
        var thumbprint = ReadThumbprint(Get(HostSettings.VCenterThumbprint), out var thumbprintProblem);
        if (thumbprintProblem is not null)
        {
            Problem(HostSettings.VCenterThumbprint, thumbprintProblem);
        }
        return new VCenterSettings(server, user ?? "", password ?? "", ReadBool(HostSettings.VCenterInsecure), caBundle, thumbprint);
    }

    private McpTransportKind ReadTransport()
    {
        var text = Get(HostSettings.Transport);
        switch (text?.ToLowerInvariant())
        {
            case null or "stdio": return McpTransportKind.Stdio;
            case "streamable-http" or "http": return McpTransportKind.StreamableHttp;
            default:
                Problem(HostSettings.Transport, $"'{text}' is not a transport; use stdio or streamable-http.");
                return McpTransportKind.Stdio;
        }
    }

    private bool ReadToolMode()
    {
        var text = Get(HostSettings.ToolMode);
        switch (text?.ToLowerInvariant())
        {
            case null or "full": return false;
            case "compact": return true;
            default:
                Problem(HostSettings.ToolMode, $"'{text}' is not a tool mode; use full or compact.");
                return false;
        }
    }

    private int ReadPort()
    {
        var text = Get(HostSettings.HttpPort);
        if (text is null)
        {
            return int.Parse(HostSettings.HttpPort.Default!);
        }
        if (int.TryParse(text, out var port) && port is >= 0 and <= 65535)
        {
            return port;
        }
        Problem(HostSettings.HttpPort, $"'{text}' is not a TCP port; use a number from 1 to 65535 (0 picks a free port).");
        return 0;
    }

    private int ReadCount(SettingDefinition setting, int min, int max, string what)
    {
        var text = Get(setting);
        if (text is null)
        {
            return int.Parse(setting.Default!, System.Globalization.CultureInfo.InvariantCulture);
        }
        if (int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var count) && count >= min && count <= max)
        {
            return count;
        }
        Problem(setting, $"'{text}' is not {what} from {min} to {max}.");
        return min;
    }

    private LogLevel ReadLogLevel()
    {
        var text = Get(HostSettings.LogLevel);
        switch (text?.ToUpperInvariant())
        {
            case null or "INFO" or "INFORMATION": return LogLevel.Information;
            case "DEBUG": return LogLevel.Debug;
            case "TRACE": return LogLevel.Trace;
            case "WARNING" or "WARN": return LogLevel.Warning;
            case "ERROR": return LogLevel.Error;
            case "CRITICAL": return LogLevel.Critical;
            default:
                Problem(HostSettings.LogLevel, $"'{text}' is not a log level; use DEBUG, INFO, WARNING or ERROR.");
                return LogLevel.Information;
        }
    }

    private string ReadPluginDirectory()
    {
        var directory = Get(HostSettings.PluginDirectory);
        if (directory is null)
        {
            return Path.Combine(AppContext.BaseDirectory, "plugins");
        }
        if (!Directory.Exists(directory))
        {
            Problem(HostSettings.PluginDirectory, $"directory '{directory}' does not exist.");
        }
        return Path.GetFullPath(directory);
    }

    private IReadOnlySet<string>? ReadEnabledPlugins()
    {
        var text = Get(HostSettings.EnabledPlugins);
        if (text is null)
        {
            return null;
        }
        var ids = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ids.Length == 0)
        {
            Problem(HostSettings.EnabledPlugins, "names no plugin; leave it unset to enable every plugin found.");
        }
        return new HashSet<string>(ids, StringComparer.OrdinalIgnoreCase);
    }

    private static string DefaultSimulatorPath() => Path.Combine(AppContext.BaseDirectory, "simulator", "mcvsphere-vcsim");
}
