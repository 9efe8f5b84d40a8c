using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace McVSphere.VSphere.Http;

/// <summary>
/// Decides whether to trust the server certificate: always when insecure; when it matches the pinned SHA-256
/// thumbprint; otherwise when it chains to the system's roots or to the CA bundle and names the host. Remembers why it
/// refused the last certificate, so that the connection error can say which setting fixes it.
/// </summary>
internal sealed class ServerCertificateValidator
{
    private readonly bool _insecure;
    private readonly string? _thumbprint;
    private readonly X509Certificate2Collection? _caBundle;

    public ServerCertificateValidator(VSphereConnectionOptions options)
    {
        _insecure = options.Insecure;
        _thumbprint = options.GetNormalizedThumbprint();
        if (!string.IsNullOrWhiteSpace(options.CaBundlePath))
        {
            _caBundle = LoadCaBundle(options.CaBundlePath);
        }
    }

    /// <summary>Why the last certificate was refused, or null.</summary>
    public string? LastRejection { get; private set; }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_insecure)
        {
            return true;
        }
        if (certificate is null)
        {
            return Reject("the server presented no certificate");
        }
        var fingerprint = Sha256Fingerprint(certificate);
        if (_thumbprint is not null)
        {
            return string.Equals(fingerprint.Replace(":", "", StringComparison.Ordinal), _thumbprint, StringComparison.Ordinal)
                || Reject($"its SHA-256 fingerprint {fingerprint} does not match the pinned VCENTER_THUMBPRINT");
        }
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }
        if (errors == SslPolicyErrors.RemoteCertificateChainErrors && _caBundle is not null && ChainsToBundle(certificate))
        {
            return true;
        }
        var reason = errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)
            ? "the certificate does not name this host"
            : _caBundle is null
                ? "the certificate is not issued by a trusted CA (self-signed or from a private CA)"
                : "the certificate is issued neither by a system-trusted CA nor by a CA in VCENTER_CA_BUNDLE";
        return Reject($"{reason}; its SHA-256 fingerprint is {fingerprint}");
    }

    private bool ChainsToBundle(X509Certificate certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_caBundle!);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    private bool Reject(string reason)
    {
        LastRejection = reason;
        return false;
    }

    private static string Sha256Fingerprint(X509Certificate certificate) =>
        string.Join(':', SHA256.HashData(certificate.GetRawCertData()).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));

    private static X509Certificate2Collection LoadCaBundle(string path)
    {
        var bundle = new X509Certificate2Collection();
        try
        {
            bundle.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ArgumentException($"The CA bundle (VCENTER_CA_BUNDLE) '{path}' cannot be read as PEM certificates: {e.Message}", nameof(path), e);
        }
        if (bundle.Count == 0)
        {
            throw new ArgumentException($"The CA bundle (VCENTER_CA_BUNDLE) '{path}' holds no PEM certificate.", nameof(path));
        }
        return bundle;
    }
}
