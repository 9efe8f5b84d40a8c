using System.Globalization;

namespace McVSphere.VSphere;

/// <summary>
/// Where and how to connect to vCenter (or ESXi). <see cref="Password"/> never appears in <see cref="ToString"/>, logs
/// or exception messages.
/// </summary>
public sealed class VSphereConnectionOptions
{
    /// <summary>
    /// The server: a host name (<c>vcenter.example.com</c>), <c>host:port</c>, or a full URL
    /// (<c>http://127.0.0.1:8989/sdk</c>). The scheme defaults to https and the path to <c>/sdk</c>.
    /// </summary>
    public string Server { get; set; } = "";

    /// <summary>The user name, e.g. <c>svc-mcvsphere@vsphere.local</c>.</summary>
    public string User { get; set; } = "";

    /// <summary>The password. Never logged or shown.</summary>
    public string Password { get; set; } = "";

    /// <summary>Skips TLS certificate verification (test labs only).</summary>
    public bool Insecure { get; set; }

    /// <summary>A PEM file of CA certificates to trust for the server's certificate, besides the system's.</summary>
    public string? CaBundlePath { get; set; }

    /// <summary>
    /// The SHA-256 fingerprint of the server certificate to trust, whatever its issuer and host name: 64 hex digits,
    /// colons optional.
    /// </summary>
    public string? Thumbprint { get; set; }

    /// <summary>
    /// How error messages name the setting that holds <see cref="Server"/> where this client is configured (e.g. an
    /// environment variable), so that a connection failure says what to check.
    /// </summary>
    public string ServerSettingName { get; set; } = nameof(Server);

    /// <summary>How long opening a connection (TCP and TLS handshake) may take before it fails.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one SOAP call may take before it fails.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often an idle session is kept alive with a cheap call; null or zero: never.</summary>
    public TimeSpan? KeepAliveInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a task wait lasts when the caller gives no timeout.</summary>
    public TimeSpan TaskTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The page size asked of RetrievePropertiesEx (the server may return fewer, or ignore it).</summary>
    public int PropertyPageSize { get; set; } = 1000;

    /// <summary>The server, user and TLS settings; never the password.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"Server={Server}, User={User}, Password={(Password.Length > 0 ? "***" : "(none)")}, Insecure={Insecure}, " +
            $"CaBundlePath={CaBundlePath ?? "(none)"}, Thumbprint={Thumbprint ?? "(none)"}");

    /// <summary>The SDK endpoint URL that <see cref="Server"/> stands for.</summary>
    /// <exception cref="ArgumentException">The server is empty or not a usable URL.</exception>
    public Uri GetSdkUri()
    {
        var server = Server.Trim();
        if (server.Length == 0)
        {
            throw new ArgumentException($"The vCenter server is not set ({ServerSettingName}): give a host name, host:port or URL.", nameof(Server));
        }
        var text = server.Contains("://", StringComparison.Ordinal) ? server : "https://" + server;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            throw new ArgumentException($"The vCenter server '{server}' is not a host name, host:port or http(s) URL.", nameof(Server));
        }
        if (uri.UserInfo.Length > 0)
        {
            throw new ArgumentException("The vCenter server URL must not contain credentials: set User and Password instead.", nameof(Server));
        }
        var builder = new UriBuilder(uri);
        if (builder.Path is "" or "/")
        {
            builder.Path = "/sdk";
        }
        return builder.Uri;
    }

    /// <summary>Checks every setting, so that a bad one fails at start-up rather than at the first call.</summary>
    /// <exception cref="ArgumentException">A setting is unusable; the message names it.</exception>
    public void Validate()
    {
        GetSdkUri();
        GetNormalizedThumbprint();
        if (ConnectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"ConnectTimeout must be positive; got {ConnectTimeout}.", nameof(ConnectTimeout));
        }
        if (RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"RequestTimeout must be positive; got {RequestTimeout}.", nameof(RequestTimeout));
        }
        if (TaskTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"TaskTimeout must be positive; got {TaskTimeout}.", nameof(TaskTimeout));
        }
        if (PropertyPageSize <= 0)
        {
            throw new ArgumentException($"PropertyPageSize must be positive; got {PropertyPageSize}.", nameof(PropertyPageSize));
        }
        if (!string.IsNullOrWhiteSpace(CaBundlePath) && !File.Exists(CaBundlePath))
        {
            throw new ArgumentException($"The CA bundle (VCENTER_CA_BUNDLE) '{CaBundlePath}' does not exist.", nameof(CaBundlePath));
        }
    }

    /// <summary>The normalised <see cref="Thumbprint"/> (upper-case hex without colons), or null when unset.</summary>
    /// <exception cref="ArgumentException">It is not 64 hex digits.</exception>
    public string? GetNormalizedThumbprint()
    {
        if (string.IsNullOrWhiteSpace(Thumbprint))
        {
            return null;
        }
        var hex = Thumbprint.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
        {
            throw new ArgumentException(
                $"The certificate thumbprint (VCENTER_THUMBPRINT) must be a SHA-256 fingerprint: 64 hex digits, colons optional; got {hex.Length} characters.",
                nameof(Thumbprint));
        }
        return hex;
    }
}
