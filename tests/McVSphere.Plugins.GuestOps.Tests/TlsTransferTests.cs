using System.Diagnostics;
using McVSphere.Testing;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using static McVSphere.Plugins.GuestOps.Tests.GuestOpsFixture;

namespace McVSphere.Plugins.GuestOps.Tests;

/// <summary>
/// The simulator over https with its self-signed certificate, trusted by the host only through VCENTER_THUMBPRINT
/// (no VCENTER_INSECURE): file transfers succeed only if they go through the vCenter connection's TLS policy.
/// </summary>
public sealed class PinnedTlsFixture : SimulatorHostFixture
{
    private const string CertificatePrefix = "certificate SHA-256: ";

    protected override string[] SimulatorFlags => ["-tls", "-guest-user", GuestUser, "-guest-password", GuestPassword];

    protected override string? Plugins => "GuestOps";

    protected override IReadOnlyDictionary<string, string?> HostSettings => new Dictionary<string, string?>
    {
        ["VCENTER_INSECURE"] = "false",
        ["VCENTER_THUMBPRINT"] = CertificateSha256(),
    };

    /// <summary>The fingerprint the simulator prints on stderr right after its URL (read here once it has arrived).</summary>
    private string CertificateSha256()
    {
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(10))
        {
            var line = Simulator.StandardError.Split('\n').FirstOrDefault(text => text.StartsWith(CertificatePrefix, StringComparison.Ordinal));
            if (line is not null)
            {
                return line[CertificatePrefix.Length..].Trim();
            }
            Thread.Sleep(50);
        }
        throw new InvalidOperationException($"The simulator printed no certificate fingerprint: {Simulator.StandardError}");
    }
}

public sealed class TlsTransferTests(PinnedTlsFixture fixture) : IClassFixture<PinnedTlsFixture>
{
    [Fact]
    public async Task Guest_file_and_screenshot_transfers_use_the_pinned_certificate_of_the_vcenter_connection()
    {
        // Tools run in no guest of a fresh simulator: the test's own client marks them running (the simulator's SET.* hook).
        await using var vsphere = new VSphereClient(new VSphereConnectionOptions
        {
            Server = fixture.Simulator.Url.ToString(), User = fixture.Simulator.User, Password = fixture.Simulator.Password, Insecure = true,
        });
        var vm = await vsphere.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, ToolsVm);
        await vsphere.ReconfigureVmAsync(vm.Ref, new VirtualMachineConfigSpec
        {
            ExtraConfig = [new OptionValue("SET.guest.toolsRunningStatus", "guestToolsRunning")],
        });

        Assert.Equal("https", fixture.Simulator.Url.Scheme);
        await fixture.Client.CallJsonAsync("write_guest_file", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword, guest_path = "/tmp/over-tls.txt", content = "pinned", confirm = true
        });
        var read = await fixture.Client.CallJsonAsync("read_guest_file", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword, guest_path = "/tmp/over-tls.txt",
        });
        Assert.Equal("pinned", read.GetProperty("content").GetString());

        var screenshot = await fixture.Client.CallToolAsync("vm_screenshot", new Dictionary<string, object?> { ["name"] = ToolsVm });
        Assert.False(screenshot.IsError == true, McpClientExtensions.Text(screenshot));
        Assert.Single(screenshot.Content.OfType<ImageContentBlock>());
    }
}
