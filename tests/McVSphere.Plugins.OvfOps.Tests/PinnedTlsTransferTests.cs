using McVSphere.Testing;

namespace McVSphere.Plugins.OvfOps.Tests;

/// <summary>
/// vCenter over https trusted only through VCENTER_THUMBPRINT (no VCENTER_INSECURE). NFC device URLs name the ESXi
/// hosts' endpoint, which has a certificate of its own: deploy and export work only if the disks go to the host trusted
/// by the lease's sslThumbprint, neither by vCenter's pin nor with verification off.
/// </summary>
public sealed class PinnedTlsOvfFixture : OvfOpsFixture
{
    protected override string[] SimulatorFlags => ["-tls"];

    protected override IReadOnlyDictionary<string, string?> HostSettings => new Dictionary<string, string?>(base.HostSettings)
    {
        ["VCENTER_INSECURE"] = "false",
        ["VCENTER_THUMBPRINT"] = Simulator.CertificateSha256,
    };
}

public sealed class PinnedTlsTransferTests(PinnedTlsOvfFixture fixture) : IClassFixture<PinnedTlsOvfFixture>
{
    [Fact]
    public async Task Deploy_and_export_stream_disks_to_the_host_trusted_by_the_lease_thumbprint()
    {
        var name = fixture.UniqueName("pinned");
        var disk = new TestDisk("disk1.vmdk", TestPackages.Vmdk(1 << 20, seed: 21));
        TestPackages.WriteOvf(fixture.RootPath(name), name, [disk], ["VM Network"]);

        var deployed = await fixture.Client.CallJsonAsync("deploy_ovf",
            new { ovf_path = $"file:{name}/{name}.ovf", vm_name = name, datastore = OvfOpsFixture.Datastore });
        Assert.Equal(disk.Content.Length, deployed.GetProperty("bytes_uploaded").GetInt64());

        var exported = await fixture.Client.CallJsonAsync("export_vm_ovf", new { vm_name = name, target_path = $"exports/{name}" });
        Assert.Equal("ovf", exported.GetProperty("format").GetString());
        var vmdk = Assert.Single(Directory.GetFiles(Path.Combine(fixture.FileRoot, "exports", name), "*.vmdk"));
        Assert.True(new FileInfo(vmdk).Length > 0);
    }
}
