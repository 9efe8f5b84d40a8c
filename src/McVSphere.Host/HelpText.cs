using System.Text;
using McVSphere.Host.Configuration;
using McVSphere.Host.Plugins;
using McVSphere.Sdk.Security;

namespace McVSphere.Host;

/// <summary>What --help, --list-plugins and --list-tools print.</summary>
public static class HelpText
{
    public static string Settings()
    {
        var text = new StringBuilder("Settings (environment variables, or keys of appsettings.json / .env / --config FILE; environment variables win):").AppendLine();
        foreach (var group in HostSettings.All.GroupBy(s => s.Group))
        {
            text.AppendLine().AppendLine($"  {group.Key}");
            foreach (var setting in group)
            {
                var defaultText = setting.Default is null ? "" : $" [default: {setting.Default}]";
                text.AppendLine($"    {setting.Name,-28} {setting.Description}{defaultText}");
            }
        }
        return text.ToString();
    }

    public static string Plugins(PluginLoadResult result)
    {
        var text = new StringBuilder();
        foreach (var plugin in result.Plugins)
        {
            text.AppendLine($"{plugin.Manifest.Id}\t{plugin.Manifest.Version}\tloaded\t{plugin.Tools.Count} tools, {plugin.Resources.Count} resources\t{plugin.Manifest.DisplayName}");
        }
        foreach (var id in result.Disabled)
        {
            text.AppendLine($"{id}\t\tdisabled\t(not in MCVSPHERE_PLUGINS)");
        }
        foreach (var failure in result.Failures)
        {
            text.AppendLine($"{failure.Plugin}\t\tfailed\t{failure.Reason}");
        }
        return text.ToString();
    }

    public static string Tools(ToolCatalog catalog)
    {
        var text = new StringBuilder();
        foreach (var tool in catalog.Tools)
        {
            text.AppendLine($"{tool.Name}\t{tool.Family}\t{tool.Permission.ToWireName()}");
        }
        return text.ToString();
    }
}
