using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace McVSphere.VSphere.Http;

/// <summary>
/// Decides whether to trust a server certificate: always when insecure; when it matches the pinned thumbprint;
/// otherwise when it chains to the system's roots or to the CA bundle and names the host. vCenter's pin is
/// VCENTER_THUMBPRINT (SHA-256); an ESXi host's (<see cref="ForHost"/>) is the thumbprint vCenter gives for it (SHA-1 as
/// vSphere writes it, or SHA-256). Remembers why it refused the last certificate, so that the connection error can say
/// which setting fixes it.
/// </summary>
internal sealed class ServerCertificateValidator
{
    private readonly bool _insecure;
    private readonly string? _thumbprint;
    private readonly string _pinName;
    private readonly X509Certificate2Collection? _caBundle;

    public ServerCertificateValidator(VSphereConnectionOptions options)
        : this(options.Insecure, options.GetNormalizedThumbprint(),
            string.IsNullOrWhiteSpace(options.CaBundlePath) ? null : LoadCaBundle(options.CaBundlePath), "the pinned VCENTER_THUMBPRINT")
    {
    }

    private ServerCertificateValidator(bool insecure, string? thumbprint, X509Certificate2Collection? caBundle, string pinName)
    {
        _insecure = insecure;
        _thumbprint = thumbprint;
        _caBundle = caBundle;
        _pinName = pinName;
    }

    /// <summary>
    /// The validator of an ESXi host's transfer endpoint: pinned to <paramref name="hostThumbprint"/> (what vCenter
    /// knows of the host's certificate) instead of vCenter's pin; without one, the CA bundle and the system's roots.
    /// </summary>
    public ServerCertificateValidator ForHost(string? hostThumbprint) =>
        new(_insecure, NormalizeHostThumbprint(hostThumbprint), _caBundle, "the thumbprint vCenter gives for the host");

    /// <summary>Upper-case hex without separators of a SHA-1 or SHA-256 thumbprint; null when unset or neither.</summary>
    public static string? NormalizeHostThumbprint(string? thumbprint)
    {
        var hex = thumbprint?.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        return hex is { Length: 40 or 64 } && hex.All(char.IsAsciiHexDigit) ? hex : null;
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
        var fingerprint = Fingerprint(SHA256.HashData(certificate.GetRawCertData()));
        if (_thumbprint is not null)
        {
            var (algorithm, presented) = _thumbprint.Length == 40
                ? ("SHA-1", Fingerprint(SHA1.HashData(certificate.GetRawCertData())))
                : ("SHA-256", fingerprint);
            return string.Equals(presented.Replace(":", "", StringComparison.Ordinal), _thumbprint, StringComparison.Ordinal)
                || Reject($"its {algorithm} fingerprint {presented} does not match {_pinName} ({Fingerprint(Convert.FromHexString(_thumbprint))})");
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

    private static string Fingerprint(byte[] hash) =>
        string.Join(':', hash.Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));

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
