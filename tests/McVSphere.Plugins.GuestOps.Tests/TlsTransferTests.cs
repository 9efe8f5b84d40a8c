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
/// (no VCENTER_INSECURE). Guest file URLs name the ESXi hosts' endpoint, which has a certificate of its own: they work
/// only if trusted by the thumbprint vCenter gives for the VM's host; screenshots come through vCenter, under its pin.
/// </summary>
public sealed class PinnedTlsFixture : SimulatorHostFixture
{
    protected override string[] SimulatorFlags => ["-tls", "-guest-user", GuestUser, "-guest-password", GuestPassword];

    protected override string? Plugins => "GuestOps";

    protected override IReadOnlyDictionary<string, string?> HostSettings => new Dictionary<string, string?>
    {
        ["VCENTER_INSECURE"] = "false",
        ["VCENTER_THUMBPRINT"] = Simulator.CertificateSha256,
    };
}

public sealed class TlsTransferTests(PinnedTlsFixture fixture) : IClassFixture<PinnedTlsFixture>
{
    [Fact]
    public async Task Guest_files_and_command_output_go_to_the_host_by_its_thumbprint_and_screenshots_through_pinned_vcenter()
    {
        await MarkToolsRunningAsync();

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
        var command = await fixture.Client.CallJsonAsync("run_command_in_guest", new
        {
            name = ToolsVm, username = GuestUser, password = GuestPassword, command = "echo over-tls",
        });
        Assert.Equal("over-tls\n", command.GetProperty("stdout").GetString());

        var screenshot = await fixture.Client.CallToolAsync("vm_screenshot", new Dictionary<string, object?> { ["name"] = ToolsVm });
        Assert.False(screenshot.IsError == true, McpClientExtensions.Text(screenshot));
        Assert.Single(screenshot.Content.OfType<ImageContentBlock>());
    }

    [Fact]
    public async Task A_host_certificate_other_than_the_one_vcenter_knows_is_refused_saying_so()
    {
        await MarkToolsRunningAsync();
        var known = string.Join(':', Enumerable.Repeat("AB", 20));
        await SetHostThumbprintAsync(known);
        try
        {
            var error = await fixture.Client.CallErrorAsync("write_guest_file", new
            {
                name = ToolsVm, username = GuestUser, password = GuestPassword, guest_path = "/tmp/refused.txt", content = "never sent", confirm = true,
            });

            Assert.Contains("TLS certificate of the ESXi host", error);
            Assert.Contains($"does not match the thumbprint vCenter gives for the host ({known})", error);
            Assert.Contains("reconnect the host in vCenter", error);
        }
        finally
        {
            await SetHostThumbprintAsync("");
        }
    }

    /// <summary>Tools run in no guest of a fresh simulator: the test's own client marks them running (the simulator's SET.* hook).</summary>
    private async Task MarkToolsRunningAsync()
    {
        await using var vsphere = new VSphereClient(new VSphereConnectionOptions
        {
            Server = fixture.Simulator.Url.ToString(), User = fixture.Simulator.User, Password = fixture.Simulator.Password, Insecure = true,
        });
        var vm = await vsphere.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, ToolsVm);
        await vsphere.ReconfigureVmAsync(vm.Ref, new VirtualMachineConfigSpec
        {
            ExtraConfig = [new OptionValue("SET.guest.toolsRunningStatus", "guestToolsRunning")],
        });
    }

    /// <summary>Makes vCenter report <paramref name="thumbprint"/> for every host (empty: the real one), as after a host's certificate changed.</summary>
    private async Task SetHostThumbprintAsync(string thumbprint)
    {
        // The test's own request to the test bed: its self-signed certificate is not what is tested here.
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator });
        using var response = await http.PostAsync(new Uri(fixture.Simulator.Url, $"/vcsim/host-thumbprint?value={Uri.EscapeDataString(thumbprint)}"), null);
        response.EnsureSuccessStatusCode();
    }
}
