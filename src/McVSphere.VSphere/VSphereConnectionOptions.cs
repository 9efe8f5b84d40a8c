using System.Diagnostics.CodeAnalysis;
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

    /// <summary>
    /// Keep a live index of the inventory (<see cref="Lookup.InventoryIndex"/>) so that name lookups make no round trip
    /// once it is filled: one PropertyCollector filter kept current with WaitForUpdatesEx, started on the first lookup.
    /// </summary>
    public bool InventoryIndex { get; set; }

    /// <summary>The server, user and TLS settings; never the password.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"Server={Server}, User={User}, Password={(Password.Length > 0 ? "***" : "(none)")}, Insecure={Insecure}, " +
            $"CaBundlePath={CaBundlePath ?? "(none)"}, Thumbprint={Thumbprint ?? "(none)"}");

    /// <summary>The SDK endpoint URL that <see cref="Server"/> stands for.</summary>
    /// <exception cref="ArgumentException">The server is empty or not a usable URL.</exception>
    public Uri GetSdkUri() =>
        TryGetSdkUri(Server, out var uri, out var problem) ? uri : throw new ArgumentException($"{ServerSettingName}: {problem}", nameof(Server));

    /// <summary>
    /// The one rule for what a server may be: a host name, host:port, or an http(s) URL whose path is empty or the SDK
    /// endpoint (<c>/sdk</c>, possibly behind a proxy prefix), without credentials, query or spaces. https and
    /// <c>/sdk</c> are the defaults. <paramref name="problem"/> says what is wrong and never repeats credentials.
    /// </summary>
    public static bool TryGetSdkUri(string? server, [NotNullWhen(true)] out Uri? sdkUri, [NotNullWhen(false)] out string? problem)
    {
        sdkUri = null;
        server = server?.Trim() ?? "";
        const string Accepted = "give a host name (vcenter.example.com), host:port (vcenter.example.com:443) or an http(s) URL (https://vcenter.example.com/sdk)";
        // A value with credentials is never echoed.
        var shown = server.Contains('@', StringComparison.Ordinal) ? "the value" : $"'{server}'";
        problem = server switch
        {
            "" => $"is not set: {Accepted}.",
            _ when server.Any(char.IsWhiteSpace) => $"{shown} contains spaces: {Accepted}.",
            _ => null,
        };
        if (problem is not null)
        {
            return false;
        }
        var text = server.Contains("://", StringComparison.Ordinal) ? server : "https://" + server;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            problem = $"{shown} is not a host name, host:port or URL: {Accepted}.";
            return false;
        }
        if (uri.UserInfo.Length > 0)
        {
            problem = $"is a URL with credentials: leave them out and give the user and password in their own settings; {Accepted}.";
            return false;
        }
        if (uri.Scheme is not ("https" or "http"))
        {
            problem = $"{shown} uses {uri.Scheme}://, but vSphere speaks https (or http to a test server): {Accepted}.";
            return false;
        }
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            problem = $"{shown} has a query or fragment: {Accepted}.";
            return false;
        }
        var path = uri.AbsolutePath.TrimEnd('/');
        if (path.Length > 0 && !path.EndsWith("/sdk", StringComparison.OrdinalIgnoreCase))
        {
            problem = $"{shown} has the path '{uri.AbsolutePath}', which is not the SDK endpoint /sdk: {Accepted}.";
            return false;
        }
        var builder = new UriBuilder(uri);
        if (path.Length == 0)
        {
            builder.Path = "/sdk";
        }
        sdkUri = builder.Uri;
        return true;
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
