using System.Reflection;
using McVSphere.Host.Mcp;
using McVSphere.Sdk.Plugins;
using McVSphere.Sdk.Resources;
using McVSphere.Sdk.Safety;
using McVSphere.Sdk.Security;
using McVSphere.VSphere;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McVSphere.Host.Plugins;

/// <summary>
/// Loads plugins from a directory with one sub-folder per plugin, each in its own load context that shares the
/// host's contract assemblies (Sdk, vSphere client, ModelContextProtocol.*, Microsoft.Extensions.*) so that type
/// identity holds. Every plugin is checked eagerly; one that fails a check, or throws, is skipped with one log line
/// and the host serves the rest.
/// </summary>
public sealed class PluginLoader(IConfiguration configuration, ILogger<PluginLoader> logger)
{
    // One type from each assembly the host shares with plugins; PreferSharedTypes extends this to their dependencies.
    private static readonly Type[] SharedTypes =
    [
        typeof(IMcVSpherePlugin), typeof(VSphereClient), typeof(McpServerTool), typeof(IServiceCollection),
        typeof(ServiceCollection), typeof(ILogger), typeof(IConfiguration),
    ];

    /// <summary>Loads every plugin found under <paramref name="pluginDirectory"/>.</summary>
    /// <param name="pluginDirectory">The plugins directory.</param>
    /// <param name="enabledIds">Plugin ids to serve, or null for all.</param>
    public PluginLoadResult LoadAll(string pluginDirectory, IReadOnlySet<string>? enabledIds)
    {
        var plugins = new List<LoadedPlugin>();
        var failures = new List<PluginLoadFailure>();
        var disabled = new List<string>();
        var toolOwners = new Dictionary<string, string>(StringComparer.Ordinal);

        var folders = Directory.Exists(pluginDirectory)
            ? Directory.GetDirectories(pluginDirectory).Order(StringComparer.Ordinal)
            : Enumerable.Empty<string>();
        if (!Directory.Exists(pluginDirectory))
        {
            logger.LogWarning("Plugins directory {Directory} does not exist: no tools will be served", pluginDirectory);
        }

        foreach (var folder in folders)
        {
            var folderName = Path.GetFileName(folder);
            try
            {
                var candidate = Inspect(folder);
                if (enabledIds is not null && !enabledIds.Contains(candidate.Manifest.Id))
                {
                    disabled.Add(candidate.Manifest.Id);
                    continue;
                }
                var loaded = Register(candidate, folder);
                var taken = loaded.Tools.FirstOrDefault(t => toolOwners.ContainsKey(t.Name));
                if (taken is not null)
                {
                    throw new PluginLoadException($"tool '{taken.Name}' is already provided by plugin '{toolOwners[taken.Name]}'");
                }
                foreach (var tool in loaded.Tools)
                {
                    toolOwners[tool.Name] = loaded.Manifest.Id;
                }
                plugins.Add(loaded);
                logger.LogInformation("Loaded plugin {Plugin} {Version}: {Tools} tools, {Resources} resources",
                    loaded.Manifest.Id, loaded.Manifest.Version, loaded.Tools.Count, loaded.Resources.Count);
            }
            catch (Exception ex)
            {
                var reason = ex switch
                {
                    PluginLoadException => ex.Message,
                    TargetInvocationException { InnerException: { } inner } => $"{inner.GetType().Name}: {inner.Message}",
                    _ => $"{ex.GetType().Name}: {ex.Message}",
                };
                failures.Add(new PluginLoadFailure(folderName, reason));
                logger.LogError("Skipped plugin {Plugin}: {Reason}", folderName, reason);
            }
        }

        if (enabledIds is not null)
        {
            var known = plugins.Select(p => p.Manifest.Id).Concat(disabled).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var missing in enabledIds.Where(id => !known.Contains(id)))
            {
                logger.LogWarning("MCVSPHERE_PLUGINS names '{Plugin}', which is not among the plugins found: {Available}",
                    missing, string.Join(", ", known.Order()));
            }
        }
        return new PluginLoadResult(plugins, failures, disabled);
    }

    private sealed record Candidate(IMcVSpherePlugin Plugin, PluginManifest Manifest, Assembly Assembly);

    private static Candidate Inspect(string folder)
    {
        var assemblyPath = FindMainAssembly(folder);
        var loader = CreateLoadContext(assemblyPath);
        var assembly = loader.LoadDefaultAssembly();
        var entryTypes = GetLoadableTypes(assembly)
            .Where(t => typeof(IMcVSpherePlugin).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .ToList();
        if (entryTypes.Count != 1)
        {
            throw new PluginLoadException(entryTypes.Count == 0
                ? $"{Path.GetFileName(assemblyPath)} has no class implementing {nameof(IMcVSpherePlugin)}"
                : $"{Path.GetFileName(assemblyPath)} has {entryTypes.Count} classes implementing {nameof(IMcVSpherePlugin)}; it must have one");
        }
        var plugin = (IMcVSpherePlugin)Activator.CreateInstance(entryTypes[0])!;
        var manifest = plugin.Manifest ?? throw new PluginLoadException("its manifest is null");
        if (string.IsNullOrWhiteSpace(manifest.Id))
        {
            throw new PluginLoadException("its manifest has no id");
        }
        if (manifest.SdkAbiVersion != SdkAbi.Version)
        {
            throw new PluginLoadException($"it targets Sdk ABI {manifest.SdkAbiVersion}, this host provides ABI {SdkAbi.Version}; rebuild it against this Sdk");
        }
        return new Candidate(plugin, manifest, assembly);
    }

    private static McMaster.NETCore.Plugins.PluginLoader CreateLoadContext(string assemblyPath) =>
        McMaster.NETCore.Plugins.PluginLoader.CreateFromAssemblyFile(assemblyPath, SharedTypes, config => config.PreferSharedTypes = true);

    // The plugin's main assembly is the one the build gave a .deps.json; a folder without one may name it after itself.
    private static string FindMainAssembly(string folder)
    {
        var depsFiles = Directory.GetFiles(folder, "*.deps.json");
        var candidates = depsFiles.Length > 0
            ? depsFiles.Select(f => Path.Combine(folder, Path.GetFileName(f)[..^".deps.json".Length] + ".dll")).Where(File.Exists).ToArray()
            : [Path.Combine(folder, Path.GetFileName(folder) + ".dll")];
        return candidates switch
        {
            [var single] when File.Exists(single) => single,
            [] or [_] => throw new PluginLoadException($"no plugin assembly found (expected a .dll with a .deps.json beside it, or {Path.GetFileName(folder)}.dll)"),
            _ => throw new PluginLoadException($"several assemblies have a .deps.json ({string.Join(", ", candidates.Select(Path.GetFileName))}); a plugin folder holds one plugin"),
        };
    }

    private LoadedPlugin Register(Candidate candidate, string folder)
    {
        var registrar = new PluginRegistrar(configuration);
        candidate.Plugin.Register(registrar);

        var family = candidate.Manifest.Id;
        var types = GetLoadableTypes(candidate.Assembly);
        var tools = types
            .Where(t => t.GetCustomAttribute<McpServerToolTypeAttribute>() is not null)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<McpServerToolAttribute>() is not null)
            .Select(m => DescribeTool(m, family))
            .ToList();
        var resources = types
            .Where(t => t.GetCustomAttribute<McpServerResourceTypeAttribute>() is not null)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<McpServerResourceAttribute>() is not null)
            .Select(m => DescribeResource(m, family))
            .ToList();

        if (tools.Count == 0 && resources.Count == 0)
        {
            throw new PluginLoadException("it contributes no tool and no resource");
        }
        var duplicate = tools.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new PluginLoadException($"it declares tool '{duplicate.Key}' more than once");
        }
        return new LoadedPlugin(candidate.Manifest, folder, candidate.Assembly, registrar.Services, tools, resources);
    }

    private static ToolDescriptor DescribeTool(MethodInfo method, string family)
    {
        var permission = method.GetCustomAttribute<RequiresPermissionAttribute>()
            ?? throw new PluginLoadException($"tool method {method.DeclaringType?.Name}.{method.Name} declares no permission level ([RequiresPermission])");
        var name = McpToolFactory.DescribeName(method);
        var urlSources = new Dictionary<string, PermissionLevel>(StringComparer.Ordinal);
        foreach (var parameter in method.GetParameters())
        {
            if (parameter.GetCustomAttribute<UrlSourceAttribute>() is not { } urlSource)
            {
                continue;
            }
            if (parameter.ParameterType != typeof(string))
            {
                throw new PluginLoadException($"tool method {method.DeclaringType?.Name}.{method.Name} marks its {parameter.ParameterType.Name} argument '{parameter.Name}' " +
                    "[UrlSource]; only string arguments can be URLs");
            }
            urlSources[parameter.Name!] = urlSource.Level;
        }
        // Dry runs and confirmations rest on [Change]: a plugin author must not be able to forget it.
        var change = method.GetCustomAttribute<ChangeAttribute>();
        var tool = $"tool '{name}' ({method.DeclaringType?.Name}.{method.Name})";
        if (change is null && permission.Level != PermissionLevel.ReadOnly && !method.GetCustomAttribute<McpServerToolAttribute>()!.ReadOnly)
        {
            throw new PluginLoadException($"{tool} needs {permission.Level.ToWireName()} but declares no [Change]: say what it changes " +
                "([Change(\"...\")]), or mark it [McpServerTool(ReadOnly = true)] if it changes nothing");
        }
        var result = method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() is var generic
            && (generic == typeof(Task<>) || generic == typeof(ValueTask<>))
            ? method.ReturnType.GetGenericArguments()[0]
            : method.ReturnType;
        if (result != typeof(CallToolResult) && result != typeof(string) && !method.GetCustomAttribute<McpServerToolAttribute>()!.UseStructuredContent)
        {
            // A typed result is published as the tool's outputSchema and sent as structuredContent beside the text.
            throw new PluginLoadException($"{tool} returns a {result.Name} without UseStructuredContent = true: clients would get no output schema " +
                "and no structured result; set it on [McpServerTool], or return text or a CallToolResult built by hand");
        }
        if (change is not null && permission.Level == PermissionLevel.ReadOnly)
        {
            throw new PluginLoadException($"{tool} declares [Change] at READ_ONLY, the level of tools that change nothing: give it the level its change needs");
        }
        var itemResource = method.GetCustomAttribute<LinksItemsToAttribute>();
        if (itemResource is not null && !ResourceLinkFilter.HasOneVariable(itemResource.UriTemplate))
        {
            throw new PluginLoadException($"{tool} links its items to '{itemResource.UriTemplate}', which is not a URI template with one variable");
        }
        return new ToolDescriptor(name, family, permission.Level, method, change, urlSources, itemResource,
            method.GetCustomAttribute<McVSphere.Sdk.Session.ListsEveryVCenterAttribute>() is not null);
    }

    private static ResourceDescriptor DescribeResource(MethodInfo method, string family) =>
        new(McpToolFactory.DescribeResourceUri(method), family, method, method.GetCustomAttribute<WatchesInventoryAttribute>());

    private static IReadOnlyList<Type> GetLoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            var first = ex.LoaderExceptions.FirstOrDefault(e => e is not null);
            throw new PluginLoadException($"its types cannot be loaded: {first?.Message ?? ex.Message}");
        }
    }
}
