using System.Text.Json;
using McVSphere.Host.Configuration;
using McVSphere.SecurityTests.Infrastructure;
using McVSphere.Testing;
using ModelContextProtocol.Client;

namespace McVSphere.SecurityTests;

/// <summary>
/// Two vCenters (prod and lab) behind one server with OAuth, and a role map that scopes groups to targets: readers read
/// prod only, admins manage lab only. Real tokens from the provider; the product's own plugins; two simulators.
/// </summary>
public sealed class TargetRbacFixture : IAsyncLifetime
{
    private SimulatorProcess? _prod;
    private SimulatorProcess? _lab;
    private OidcProvider? _provider;
    private IsolatedHost? _host;
    private string _targetsFile = "";

    public int Port { get; } = LoopbackPorts.Reserve();

    public Uri Endpoint => new($"http://127.0.0.1:{Port}/mcp");

    public string AuditFile { get; } = Path.Combine(Path.GetTempPath(), $"mcvsphere-audit-{Guid.NewGuid():N}.jsonl");

    internal OidcProvider Provider => _provider!;

    public async Task InitializeAsync()
    {
        _prod = await SimulatorProcess.StartAsync();
        _lab = await SimulatorProcess.StartAsync("-cluster", "0", "-nodrs-cluster", "1");
        _targetsFile = SimulatorProcess.WriteTargetsFile("prod", _prod.TargetEntry("prod"), _lab.TargetEntry("lab"));
        _provider = await OidcProvider.StartAsync(Endpoint);
        _host = await IsolatedHost.StartHttpAsync(Port, new Dictionary<string, string?>
        {
            [HostSettings.VCenterHost.Name] = null,
            [HostSettings.VCenterUser.Name] = null,
            [HostSettings.VCenterPassword.Name] = null,
            [HostSettings.PluginDirectory.Name] = null, // the product's plugins, next to the executable
            [HostSettings.TargetsFile.Name] = _targetsFile,
            [HostSettings.RoleMapping.Name] = """
                {"vsphere-readers": {"level": "READ_ONLY", "targets": ["prod"]},
                 "vsphere-admins": {"level": "VM_LIFECYCLE", "targets": ["lab"]}}
                """,
            [HostSettings.OAuthEnabled.Name] = "true",
            [HostSettings.OAuthIssuerUrl.Name] = _provider.Issuer,
            [HostSettings.OAuthBaseUrl.Name] = $"http://127.0.0.1:{Port}/",
            [HostSettings.AuditFile.Name] = AuditFile,
            [HostSettings.AuditStderr.Name] = "false",
            [HostSettings.ConfirmDestructive.Name] = "false",
        });
    }

    public async Task<McpClient> ConnectAsync(string user) =>
        await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = Endpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {await Provider.GetTokenAsync(user)}" },
        }), new McpClientOptions { ProtocolVersion = HostProcess.DefaultProtocolVersion });

    public IReadOnlyList<JsonElement> AuditLines()
    {
        using var stream = new FileStream(AuditFile, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
        if (_prod is not null)
        {
            await _prod.DisposeAsync();
        }
        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }
        File.Delete(_targetsFile);
        File.Delete(AuditFile);
    }
}

public sealed class TargetRbacTests(TargetRbacFixture fixture) : IClassFixture<TargetRbacFixture>
{
    private static string[] VCenters(JsonElement listing) => [.. listing.GetProperty("vcenters").EnumerateArray().Select(v => v.GetString()!)];

    [Fact]
    public async Task A_user_admin_on_lab_and_reader_on_prod_may_change_lab_only_and_a_denial_on_prod_is_audited()
    {
        await using var client = await fixture.ConnectAsync("reader-and-admin");

        var tools = (await client.ListToolsAsync()).Select(tool => tool.Name).ToList();
        var onLab = await client.CallJsonAsync("power_off", new { name = "DC0_H0_VM0", vcenter = "lab" });
        var denied = await client.CallErrorAsync("power_off", new { name = "DC0_H0_VM0" });
        var readProd = await client.CallJsonAsync("get_vm_info", new { name = "DC0_H0_VM0" });
        var everywhere = await client.CallJsonAsync("list_vms", new { vcenter = "*" });
        await client.CallJsonAsync("power_on", new { name = "DC0_H0_VM0", vcenter = "lab" });

        Assert.Contains("clone_vm", tools); // VM_LIFECYCLE on lab
        Assert.DoesNotContain("reboot_host", tools); // HOST_ADMIN nowhere
        Assert.Equal("poweredOff", onLab.GetProperty("power_state").GetString());
        Assert.Equal("Permission denied: tool 'power_off' needs POWER_OPS on vCenter 'prod'; user 'reader-and-admin' has READ_ONLY on vCenter 'prod'.", denied);
        Assert.Equal("poweredOn", readProd.GetProperty("power_state").GetString());
        Assert.Equal(["prod", "lab"], VCenters(everywhere));
        var line = fixture.AuditLines().Last(l => l.GetProperty("event").GetString() == "PERMISSION_DENIED" && l.GetProperty("user").GetString() == "reader-and-admin");
        Assert.Equal("power_off", line.GetProperty("tool").GetString());
        Assert.Equal("prod", line.GetProperty("vcenter").GetString());
        Assert.Equal("POWER_OPS", line.GetProperty("required_permission").GetString());
    }

    [Fact]
    public async Task A_listing_of_every_vcenter_reads_only_those_the_caller_may_read()
    {
        await using var admin = await fixture.ConnectAsync("admin");
        await using var reader = await fixture.ConnectAsync("reader");

        var adminEverywhere = await admin.CallJsonAsync("list_vms", new { vcenter = "*" });
        var adminOnProd = await admin.CallErrorAsync("list_vms");
        var readerEverywhere = await reader.CallJsonAsync("list_vms", new { vcenter = "*" });
        var readerTools = await reader.ListToolsAsync();
        var readerOnLab = await reader.CallErrorAsync("list_hosts", new { vcenter = "lab" });

        Assert.Equal(["lab"], VCenters(adminEverywhere));
        Assert.All(adminEverywhere.GetProperty("items").EnumerateArray(), vm => Assert.Equal("lab", vm.GetProperty("vcenter").GetString()));
        Assert.Contains("needs READ_ONLY on vCenter 'prod'", adminOnProd);
        Assert.Equal(["prod"], VCenters(readerEverywhere));
        Assert.All(readerTools, tool => Assert.Equal("READ_ONLY", tool.ProtocolTool.Meta!["io.mcvsphere/permission"]!.GetValue<string>()));
        Assert.Contains("has no permission on vCenter 'lab'", readerOnLab);
    }
}
