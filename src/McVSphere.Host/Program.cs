using McVSphere.Host;
using McVSphere.Host.Configuration;
using McVSphere.Host.Hosting;
using McVSphere.Host.Plugins;
using Microsoft.Extensions.Logging;

// Exit codes: 0 done, 1 failed while running, 2 bad command line or configuration.
HostCommandLine commandLine;
try
{
    commandLine = HostCommandLine.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"mcvsphere: {ex.Message}");
    return 2;
}

if (commandLine.ShowVersion)
{
    Console.WriteLine($"mcvsphere {HostVersion.Current}");
    return 0;
}
if (commandLine.ShowHelp)
{
    Console.WriteLine(HostCommandLine.Usage);
    Console.WriteLine(HelpText.Settings());
    return 0;
}

McVSphereOptions options;
Microsoft.Extensions.Configuration.IConfigurationRoot configuration;
try
{
    configuration = HostConfiguration.Build(commandLine.ConfigFile);
    options = new McVSphereOptionsReader(configuration).Read(commandLine.Simulator, requireVCenter: !commandLine.IsListing);
}
catch (HostConfigurationException ex)
{
    Console.Error.WriteLine($"mcvsphere: {ex.Message}");
    return 2;
}

if (commandLine.CheckHealth)
{
    return await HealthCheck.RunAsync(options.HttpPort);
}

using var bootstrapLogging = HostLogging.CreateBootstrapFactory(commandLine.IsListing ? LogLevel.Warning : options.LogLevel);
var plugins = new PluginLoader(configuration, bootstrapLogging.CreateLogger<PluginLoader>())
    .LoadAll(options.PluginDirectory, options.EnabledPlugins);

if (commandLine.ListPlugins)
{
    Console.Write(HelpText.Plugins(plugins));
    return 0;
}
if (commandLine.Docs is not null)
{
    Console.Write(commandLine.Docs == "tools" ? ReferenceDocs.Tools(plugins) : ReferenceDocs.Configuration());
    return 0;
}
if (commandLine.ListTools)
{
    Console.Write(HelpText.Tools(new ToolCatalog(plugins)));
    return 0;
}

try
{
    await McVSphereServer.RunAsync(options, plugins, bootstrapLogging);
    return 0;
}
catch (HostConfigurationException ex)
{
    Console.Error.WriteLine($"mcvsphere: {ex.Message}");
    return 2;
}
catch (Exception ex)
{
    bootstrapLogging.CreateLogger("McVSphere.Host").LogCritical(ex, "mcvsphere stopped");
    return 1;
}
