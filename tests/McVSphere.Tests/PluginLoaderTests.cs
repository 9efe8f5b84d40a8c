using McVSphere.Host.Mcp;
using McVSphere.Host.Plugins;
using McVSphere.Sdk.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;

namespace McVSphere.Tests;

public class PluginLoaderTests
{
    private static readonly string FixturePlugins = Path.Combine(AppContext.BaseDirectory, "fixture-plugins");
    private readonly CapturingLogger<PluginLoader> _logger = new();

    private PluginLoadResult Load(IReadOnlySet<string>? enabled = null) =>
        new PluginLoader(new ConfigurationBuilder().Build(), _logger).LoadAll(FixturePlugins, enabled);

    [Fact]
    public void Only_the_good_plugin_loads_and_each_bad_one_logs_one_line_with_its_reason()
    {
        var result = Load();

        var good = Assert.Single(result.Plugins);
        Assert.Equal("Good", good.Manifest.Id);
        Assert.Equal(["fixture_echo", "fixture_poke"], good.Tools.Select(t => t.Name).Order());

        var reasons = result.Failures.ToDictionary(f => f.Plugin, f => f.Reason);
        Assert.Contains("no tool and no resource", reasons["NoToolsPlugin"]);
        Assert.Contains("UnguardedTools.Unguarded declares no permission level", reasons["MissingPermissionPlugin"]);
        Assert.Contains("fixture registrar failure", reasons["ThrowingPlugin"]);
        Assert.Contains("targets Sdk ABI 42", reasons["WrongAbiPlugin"]);
        Assert.Contains("'fixture_echo' is already provided by plugin 'Good'", reasons["ZDuplicateToolPlugin"]);
        Assert.Contains("tool 'fixture_silent_power_off' (SilentTools.SilentPowerOff) needs POWER_OPS but declares no [Change]", reasons["UndeclaredChangePlugin"]);

        Assert.Contains("tool 'fixture_weather' (WeatherTools.GetWeather) returns a Weather without UseStructuredContent = true", reasons["UntypedResultPlugin"]);

        var errors = _logger.Entries.Where(e => e.Level == LogLevel.Error).ToList();
        Assert.Equal(7, errors.Count);
        Assert.All(errors, e => Assert.Null(e.Exception));
        Assert.All(errors, e => Assert.DoesNotContain('\n', e.Message));
    }

    [Fact]
    public void Plugins_left_out_of_the_enabled_set_are_not_served()
    {
        var result = Load(new HashSet<string>(["NoTools"], StringComparer.OrdinalIgnoreCase));

        Assert.Empty(result.Plugins);
        Assert.Contains("Good", result.Disabled);
    }

    [Fact]
    public void Plugin_folders_hold_no_copy_of_the_assemblies_the_host_shares()
    {
        var files = Directory.GetFiles(Path.Combine(FixturePlugins, "GoodPlugin")).Select(Path.GetFileName).ToList();

        Assert.Contains("GoodPlugin.dll", files);
        Assert.DoesNotContain(files, f => f!.StartsWith("McVSphere.", StringComparison.Ordinal)
            || f.StartsWith("ModelContextProtocol", StringComparison.Ordinal)
            || f.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tools_carry_annotations_derived_from_their_level_unless_they_set_them()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddMcVSphereMcpServer(Load());
        await using var provider = services.BuildServiceProvider();

        var tools = provider.GetServices<McpServerTool>().ToDictionary(t => t.ProtocolTool.Name);

        var echo = tools["fixture_echo"].ProtocolTool;
        Assert.True(echo.Annotations!.ReadOnlyHint);
        Assert.False(echo.Annotations.DestructiveHint);
        Assert.True(echo.Annotations.IdempotentHint);
        Assert.Equal("READ_ONLY", echo.Meta![McpToolFactory.PermissionMetaKey]!.GetValue<string>());
        Assert.Equal("Good", echo.Meta[McpToolFactory.FamilyMetaKey]!.GetValue<string>());

        var poke = tools["fixture_poke"].ProtocolTool;
        Assert.False(poke.Annotations!.ReadOnlyHint);
        Assert.True(poke.Annotations.DestructiveHint);
        Assert.Equal(PermissionLevel.PowerOps.ToWireName(), poke.Meta![McpToolFactory.PermissionMetaKey]!.GetValue<string>());
    }
}
