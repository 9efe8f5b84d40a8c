namespace McVSphere.SecurityTests.Infrastructure;

/// <summary>Where the fixture plugin is.</summary>
internal static class TestPaths
{
    /// <summary>The plugins folder beside the tests, holding LevelsPlugin only.</summary>
    public static string PluginDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "security-plugins");
}
