using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace McVSphere.SecurityTests.Infrastructure;

/// <summary>
/// An https server on 127.0.0.1 that serves the JSON documents a test gives it (client ID metadata documents), with a
/// self-signed certificate written to <see cref="CertificateFile"/> for the host to trust (SSL_CERT_FILE). Plain
/// HTTP/1.1, one request per connection.
/// </summary>
internal sealed class TlsDocumentServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _certificate;
    private readonly ConcurrentDictionary<string, string> _documents = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();

    public TlsDocumentServer()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        _certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
        CertificateFile = Path.Combine(Path.GetTempPath(), $"mcvsphere-tls-{Guid.NewGuid():N}.pem");
        File.WriteAllText(CertificateFile, created.ExportCertificatePem());
        _listener.Start();
        _ = AcceptAsync();
    }

    /// <summary>The certificate, PEM, as a trust file.</summary>
    public string CertificateFile { get; }

    public Uri Url(string path) => new($"https://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}{path}");

    /// <summary>Serves <paramref name="json"/> at <paramref name="path"/>.</summary>
    public void Serve(string path, string json) => _documents[path] = json;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _ = AnswerAsync(client);
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await using var tls = new SslStream(client.GetStream());
                await tls.AuthenticateAsServerAsync(_certificate);
                using var reader = new StreamReader(tls, Encoding.ASCII, leaveOpen: true);
                var path = (await reader.ReadLineAsync())?.Split(' ') is [_, var target, ..] ? target : "";
                while (await reader.ReadLineAsync() is { Length: > 0 })
                {
                }
                var found = _documents.TryGetValue(path, out var json);
                var body = Encoding.UTF8.GetBytes(json ?? "not found");
                var head = $"HTTP/1.1 {(found ? "200 OK" : "404 Not Found")}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                await tls.WriteAsync(Encoding.ASCII.GetBytes(head));
                await tls.WriteAsync(body);
            }
            catch (Exception error) when (error is IOException or System.Security.Authentication.AuthenticationException)
            {
                // A client that gave up, or did not trust the certificate: nothing to answer.
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _certificate.Dispose();
        File.Delete(CertificateFile);
    }
}
