namespace McVSphere.Host.Plugins;

/// <summary>Every tool and resource the host serves, by name: what the request filters consult for policy.</summary>
public sealed class ToolCatalog
{
    private readonly Dictionary<string, ToolDescriptor> _tools;

    public ToolCatalog(PluginLoadResult plugins)
    {
        Plugins = plugins;
        _tools = plugins.Plugins.SelectMany(p => p.Tools).ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The load result the catalog was built from.</summary>
    public PluginLoadResult Plugins { get; }

    /// <summary>Every served tool, by family then name.</summary>
    public IEnumerable<ToolDescriptor> Tools => _tools.Values.OrderBy(t => t.Family, StringComparer.Ordinal).ThenBy(t => t.Name, StringComparer.Ordinal);

    /// <summary>Every served resource.</summary>
    public IEnumerable<ResourceDescriptor> Resources => Plugins.Plugins.SelectMany(p => p.Resources);

    /// <summary>Finds a served tool by name.</summary>
    public bool TryGetTool(string name, out ToolDescriptor tool) => _tools.TryGetValue(name, out tool!);
}
