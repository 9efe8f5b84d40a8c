namespace McVSphere.Host;

/// <summary>The host's command line. Settings come from the environment, .env and config files; flags only choose what to do.</summary>
public sealed record HostCommandLine
{
    public bool ShowHelp { get; init; }
    public bool ShowVersion { get; init; }
    public bool ListPlugins { get; init; }
    public bool ListTools { get; init; }
    public bool Simulator { get; init; }
    public bool CheckHealth { get; init; }
    public string? ConfigFile { get; init; }
    public string? Docs { get; init; }

    /// <summary>True for commands that print something and exit without serving or connecting.</summary>
    public bool IsListing => ListPlugins || ListTools || Docs is not null || CheckHealth;

    public const string Usage = """
        Usage: mcvsphere [options]

        Serves VMware vSphere to MCP clients over stdio (default) or streamable HTTP.

        Options:
          --simulator        start the bundled vCenter simulator on loopback and serve it (for trying it out)
          --config FILE      read settings from a JSON file (keys are the environment variable names) or
                             the original mcvsphere's YAML file (.yaml/.yml: vcenter_host: vc.example.com)
          --list-plugins     list the plugins found and whether they load, then exit
          --list-tools       list every tool with its family and permission level, then exit
          --docs tools|configuration
                             print the generated reference (docs/tools.md, docs/configuration.md), then exit
          --check-health     ask the HTTP server on MCP_PORT for /healthz; exit 0 when it answers (container health check)
          --version          print the version and exit
          --help             print this help and the settings, then exit
        """;

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> naming an unknown or incomplete flag.</summary>
    public static HostCommandLine Parse(IReadOnlyList<string> args)
    {
        var result = new HostCommandLine();
        for (var i = 0; i < args.Count; i++)
        {
            result = args[i] switch
            {
                "--help" or "-h" or "-?" => result with { ShowHelp = true },
                "--version" => result with { ShowVersion = true },
                "--list-plugins" => result with { ListPlugins = true },
                "--list-tools" => result with { ListTools = true },
                "--simulator" => result with { Simulator = true },
                "--check-health" => result with { CheckHealth = true },
                "--config" when i + 1 < args.Count => result with { ConfigFile = args[++i] },
                "--config" => throw new ArgumentException("--config needs a file name: --config FILE"),
                "--docs" when i + 1 < args.Count && args[i + 1] is "tools" or "configuration" => result with { Docs = args[++i] },
                "--docs" => throw new ArgumentException("--docs needs what to print: --docs tools or --docs configuration"),
                var other => throw new ArgumentException($"unknown option '{other}'; see --help"),
            };
        }
        return result;
    }
}
