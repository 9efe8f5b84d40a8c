using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace McVSphere.VSphere.Tests.Simulator;

public sealed class TlsTests(TlsSimulator fixture) : IClassFixture<TlsSimulator>
{
    private SimulatorInstance Simulator => fixture.Simulator;

    [Fact]
    public async Task An_untrusted_certificate_is_refused_with_the_settings_that_fix_it()
    {
        await using var client = new VSphereClient(TestClients.Options(Simulator));

        var error = await Assert.ThrowsAsync<VSphereConnectionException>(() => client.ConnectAsync());

        Assert.Contains("VCENTER_CA_BUNDLE", error.Message, StringComparison.Ordinal);
        Assert.Contains("VCENTER_THUMBPRINT", error.Message, StringComparison.Ordinal);
        Assert.Contains("VCENTER_INSECURE", error.Message, StringComparison.Ordinal);
        Assert.Contains(await Simulator.CertificateSha256, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Insecure_skips_verification()
    {
        var options = TestClients.Options(Simulator);
        options.Insecure = true;
        await using var client = new VSphereClient(options);

        Assert.Equal("vpx", (await client.ConnectAsync()).About.ProductLineId);
    }

    [Fact]
    public async Task The_pinned_thumbprint_is_trusted_with_or_without_colons()
    {
        var options = TestClients.Options(Simulator);
        options.Thumbprint = (await Simulator.CertificateSha256).Replace(":", "", StringComparison.Ordinal).ToLowerInvariant();
        await using var client = new VSphereClient(options);

        Assert.Equal("vpx", (await client.ConnectAsync()).About.ProductLineId);
    }

    [Fact]
    public async Task A_wrong_thumbprint_is_refused_and_says_so()
    {
        var options = TestClients.Options(Simulator);
        options.Thumbprint = string.Join(':', Enumerable.Repeat("AB", 32));
        await using var client = new VSphereClient(options);

        var error = await Assert.ThrowsAsync<VSphereConnectionException>(() => client.ConnectAsync());

        Assert.Contains("does not match the pinned VCENTER_THUMBPRINT", error.Message, StringComparison.Ordinal);
        Assert.Contains(await Simulator.CertificateSha256, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_CA_bundle_holding_the_issuer_is_trusted()
    {
        var bundle = Path.Combine(Path.GetTempPath(), $"mcvsphere-ca-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(bundle, (await FetchServerCertificateAsync()).ExportCertificatePem());
        try
        {
            var options = TestClients.Options(Simulator);
            options.CaBundlePath = bundle;
            await using var client = new VSphereClient(options);

            Assert.Equal("vpx", (await client.ConnectAsync()).About.ProductLineId);
        }
        finally
        {
            File.Delete(bundle);
        }
    }

    [Fact]
    public void A_malformed_thumbprint_is_refused_up_front()
    {
        var options = TestClients.Options(Simulator);
        options.Thumbprint = "2C:11:ED"; // a SHA-1 prefix, not a SHA-256 fingerprint

        var error = Assert.Throws<ArgumentException>(() => new VSphereClient(options));

        Assert.Contains("64 hex digits", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The simulator's self-signed certificate, which is its own issuer.</summary>
    private async Task<X509Certificate2> FetchServerCertificateAsync()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(Simulator.Url.Host, Simulator.Url.Port);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("127.0.0.1");
        return new X509Certificate2(tls.RemoteCertificate!);
    }
}
