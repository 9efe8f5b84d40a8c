using System.Reflection;
using McVSphere.Sdk.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace McVSphere.Host.Plugins;

/// <summary>A plugin that passed every check and is served.</summary>
/// <param name="Manifest">Its manifest.</param>
/// <param name="Directory">The folder it was loaded from.</param>
/// <param name="Assembly">Its main assembly, in its own load context.</param>
/// <param name="Services">The services its registrar added, kept apart until it passed every check.</param>
/// <param name="Tools">Its tools.</param>
/// <param name="Resources">Its resources and resource templates.</param>
public sealed record LoadedPlugin(
    PluginManifest Manifest,
    string Directory,
    Assembly Assembly,
    IServiceCollection Services,
    IReadOnlyList<ToolDescriptor> Tools,
    IReadOnlyList<ResourceDescriptor> Resources);

/// <summary>A plugin that was skipped, and why, in one line.</summary>
public sealed record PluginLoadFailure(string Plugin, string Reason);

/// <summary>What the loader found in the plugins directory.</summary>
public sealed record PluginLoadResult(IReadOnlyList<LoadedPlugin> Plugins, IReadOnlyList<PluginLoadFailure> Failures, IReadOnlyList<string> Disabled);
