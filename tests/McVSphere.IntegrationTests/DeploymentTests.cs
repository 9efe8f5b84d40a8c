using System.Diagnostics;
using System.Net;
using McVSphere.Testing;

namespace McVSphere.IntegrationTests;

/// <summary>
/// Deployment as the container and a scale-out set-up run it: the publish output the image uses, as a non-root user,
/// and several stateless instances behind nginx on loopback. The image publishes for its platform (ReadyToRun); here
/// the publish is portable and reuses the suite's build, which changes how the code is compiled, not what it serves.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class DeploymentTests : IAsyncLifetime
{
    private SimulatorProcess _simulator = null!;

    public async Task InitializeAsync() => _simulator = await SimulatorProcess.StartAsync();

    public async Task DisposeAsync() => await _simulator.DisposeAsync();

    [Fact]
    public async Task The_published_host_serves_health_and_readiness_as_an_unprivileged_user()
    {
        var work = Directory.CreateTempSubdirectory("mcvsphere-publish-");
        try
        {
            var app = Path.Combine(work.FullName, "app");
            await RunToEndAsync("dotnet", "publish", Path.Combine(RepositoryPaths.Root, "src", "McVSphere.Host"), "-c", RepositoryPaths.Configuration, "--no-build", "-o", app);
            MakeReadableByAll(work.FullName);
            var port = LoopbackPorts.Reserve();
            // The Dockerfile's settings; MCP_HOST 0.0.0.0 needs the explicit opt-in of docker-compose.yml.
            var environment = new Dictionary<string, string?>(_simulator.HostEnvironment)
            {
                ["MCP_TRANSPORT"] = "streamable-http",
                ["MCP_HOST"] = "0.0.0.0",
                ["MCP_PORT"] = port.ToString(),
                ["MCP_ALLOW_UNAUTHENTICATED"] = "true",
                ["HOME"] = work.FullName,
            };
            using var host = StartUnprivileged(Path.Combine(app, "mcvsphere"), environment);
            try
            {
                using var http = new HttpClient();
                var health = await WaitForAsync(() => http.GetAsync($"http://127.0.0.1:{port}/healthz"));
                var ready = await http.GetAsync($"http://127.0.0.1:{port}/readyz");
                var check = await RunToEndAsync(Path.Combine(app, "mcvsphere"), environment, "--check-health");

                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
                Assert.Equal("ready", await ready.Content.ReadAsStringAsync());
                Assert.Contains("/healthz: 200", check);
                Assert.True(Plugins(app).Count >= 1);
                if (Environment.UserName == "root")
                {
                    Assert.Equal("65534", File.ReadLines($"/proc/{host.Id}/status").First(l => l.StartsWith("Uid:")).Split('\t')[1]);
                }
            }
            finally
            {
                host.Kill(entireProcessTree: true);
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Three_stateless_instances_behind_nginx_serve_one_client_without_error()
    {
        await using var scaleOut = await ScaleOut.StartAsync(_simulator);
        await using var client = await ConnectThroughAsync(scaleOut.BaseUri);

        for (var call = 0; call < 300; call++)
        {
            var info = await client.CallJsonAsync("get_vcenter_info");
            Assert.Equal("VirtualCenter", info.GetProperty("api_type").GetString());
        }

        var served = scaleOut.CallsServed("get_vcenter_info");
        Assert.Equal(300, served.Sum());
        Assert.All(served, count => Assert.True(count > 0, $"an instance served no call: {string.Join(", ", served)}"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_confirmation_asked_by_one_instance_is_answered_to_another_when_they_share_the_state_secret(bool shared)
    {
        var secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var scaleOut = await ScaleOut.StartAsync(_simulator, instance => shared ? secret : $"{secret}-{instance}");
        var asked = 0;
        await using var client = await ConnectThroughAsync(scaleOut.BaseUri, new ModelContextProtocol.Client.McpClientOptions
        {
            ProtocolVersion = "2026-07-28",
            Handlers = new()
            {
                ElicitationHandler = (_, _) =>
                {
                    Interlocked.Increment(ref asked);
                    return ValueTask.FromResult(new ModelContextProtocol.Protocol.ElicitResult
                    {
                        Action = "accept",
                        Content = new Dictionary<string, System.Text.Json.JsonElement> { ["confirm"] = System.Text.Json.JsonSerializer.SerializeToElement(true) },
                    });
                },
            },
        });
        var vm = $"confirmed-{shared}";
        await client.CallJsonAsync("create_vm", new { name = vm });

        var deletion = await client.CallToolAsync("delete_vm", new Dictionary<string, object?> { ["name"] = vm });

        Assert.Equal(1, asked);
        // The question and the answer are two requests, which round-robin hands to two instances.
        Assert.Equal(2, scaleOut.CallsServed("delete_vm").Count(count => count > 0));
        var exists = (await client.CallToolAsync("get_vm_info", new Dictionary<string, object?> { ["name"] = vm })).IsError != true;
        if (shared)
        {
            Assert.NotEqual(true, deletion.IsError);
            Assert.False(exists);
        }
        else
        {
            Assert.True(deletion.IsError);
            Assert.Contains("signature does not match", McpClientExtensions.Text(deletion));
            Assert.True(exists);
        }
    }

    /// <summary>Three stateless instances of the host behind nginx (round-robin), each writing its own audit file.</summary>
    private sealed class ScaleOut : IAsyncDisposable
    {
        private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("mcvsphere-scaleout-");
        private readonly List<HttpHost> _instances = [];
        private Process? _nginx;

        public Uri BaseUri { get; private set; } = null!;

        public static async Task<ScaleOut> StartAsync(SimulatorProcess simulator, Func<int, string?>? stateSecret = null)
        {
            var scaleOut = new ScaleOut();
            try
            {
                for (var i = 0; i < 3; i++)
                {
                    scaleOut._instances.Add(await HostProcess.StartHttpAsync(new Dictionary<string, string?>(simulator.HostEnvironment)
                    {
                        ["MCVSPHERE_HTTP_STATELESS"] = "true",
                        ["MCVSPHERE_AUDIT_FILE"] = scaleOut.AuditFile(i),
                        ["MCVSPHERE_AUDIT_STDERR"] = "false",
                        ["MCVSPHERE_REQUEST_STATE_SECRET"] = stateSecret?.Invoke(i),
                    }));
                }
                var port = LoopbackPorts.Reserve();
                scaleOut._nginx = StartNginx(scaleOut._work.FullName, port, scaleOut._instances.Select(instance => instance.BaseUri.Port));
                scaleOut.BaseUri = new Uri($"http://127.0.0.1:{port}/");
                return scaleOut;
            }
            catch
            {
                await scaleOut.DisposeAsync();
                throw;
            }
        }

        /// <summary>How many calls of <paramref name="tool"/> each instance audited.</summary>
        public int[] CallsServed(string tool) =>
            Enumerable.Range(0, _instances.Count).Select(i => File.ReadLines(AuditFile(i)).Count(line => line.Contains($"\"tool\":\"{tool}\""))).ToArray();

        private string AuditFile(int instance) => Path.Combine(_work.FullName, $"audit-{instance}.jsonl");

        public async ValueTask DisposeAsync()
        {
            _nginx?.Kill(entireProcessTree: true);
            foreach (var instance in _instances)
            {
                await instance.DisposeAsync();
            }
            _work.Delete(recursive: true);
        }
    }

    private static async Task<ModelContextProtocol.Client.McpClient> ConnectThroughAsync(Uri baseUri, ModelContextProtocol.Client.McpClientOptions? options = null) =>
        await ModelContextProtocol.Client.McpClient.CreateAsync(new ModelContextProtocol.Client.HttpClientTransport(new()
        {
            Endpoint = new Uri(baseUri, "mcp"),
            TransportMode = ModelContextProtocol.Client.HttpTransportMode.StreamableHttp,
        }), options);

    private static Process StartNginx(string directory, int port, IEnumerable<int> upstreams)
    {
        var servers = string.Concat(upstreams.Select(p => $"server 127.0.0.1:{p};\n"));
        var config = Path.Combine(directory, "nginx.conf");
        File.WriteAllText(config, $$"""
            daemon off;
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/nginx-error.log;
            events { worker_connections 256; }
            http {
              access_log off;
              client_body_temp_path {{directory}}/body;
              proxy_temp_path {{directory}}/proxy;
              upstream mcvsphere { {{servers}} }
              server {
                listen 127.0.0.1:{{port}};
                location / {
                  proxy_pass http://mcvsphere;
                  proxy_http_version 1.1;
                  proxy_set_header Connection "";
                  proxy_set_header Host $host;
                  proxy_buffering off;
                }
              }
            }
            """);
        var nginx = Process.Start(new ProcessStartInfo("/usr/sbin/nginx", ["-c", config, "-p", directory]) { RedirectStandardError = true })!;
        for (var attempt = 0; attempt < 50 && !Listening(port); attempt++)
        {
            Thread.Sleep(100);
        }
        return nginx;
    }

    private static bool Listening(int port)
    {
        try
        {
            using var socket = new System.Net.Sockets.TcpClient("127.0.0.1", port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static Process StartUnprivileged(string executable, IReadOnlyDictionary<string, string?> environment)
    {
        // As root (CI), drop to nobody as the image's USER does; otherwise the test already runs unprivileged.
        var startInfo = Environment.UserName == "root"
            ? new ProcessStartInfo("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", executable])
            : new ProcessStartInfo(executable);
        startInfo.RedirectStandardError = true;
        startInfo.RedirectStandardOutput = true;
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }
        var process = Process.Start(startInfo)!;
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }

    private static IReadOnlyList<string> Plugins(string app) => Directory.GetDirectories(Path.Combine(app, "plugins"));

    private static void MakeReadableByAll(string directory)
    {
        const UnixFileMode readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(directory, readable);
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(entry, readable);
        }
    }

    private static async Task<HttpResponseMessage> WaitForAsync(Func<Task<HttpResponseMessage>> request)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await request();
            }
            catch (HttpRequestException) when (attempt < 1200)
            {
                await Task.Delay(100);
            }
        }
    }

    private static Task<string> RunToEndAsync(string command, params string[] arguments) => RunToEndAsync(command, new Dictionary<string, string?>(), arguments);

    private static async Task<string> RunToEndAsync(string command, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(process.ExitCode == 0, $"{command} failed ({process.ExitCode}): {await stderr}");
        return await stdout;
    }
}
