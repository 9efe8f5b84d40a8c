using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace McVSphere.Host.Security.OAuthProxy;

/// <summary>
/// Seals what proxy mode hands out and takes back (client registrations, the state of a login at the provider, codes,
/// refresh tokens): AES-256-GCM with a key derived from OAUTH_CLIENT_SECRET (HKDF), so that every instance with the
/// secret opens what another sealed, no store is needed, and clients read nothing of what they carry (codes and
/// refresh tokens hold the provider's tokens). The purpose is authenticated with it: a code is no refresh token.
/// </summary>
public sealed class ProxySealer
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _key;
    private readonly TimeProvider _time;

    public ProxySealer(OAuthProxySettings proxy, TimeProvider time)
    {
        _key = DeriveKey(proxy.ClientSecret, "mcvsphere oauth proxy sealing");
        _time = time;
    }

    /// <summary>A key of its own for <paramref name="purpose"/>, derived from the client secret.</summary>
    public static byte[] DeriveKey(string clientSecret, string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(clientSecret), 32, info: Encoding.UTF8.GetBytes(purpose));

    public string Seal<T>(string purpose, T payload, TimeSpan lifetime)
    {
        var plain = JsonSerializer.SerializeToUtf8Bytes(new Envelope<T>(_time.GetUtcNow().Add(lifetime).ToUnixTimeSeconds(), payload));
        var sealedBytes = new byte[NonceSize + TagSize + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(purpose));
        return Base64Url.EncodeToString(sealedBytes);
    }

    /// <summary>Whether <paramref name="token"/> was sealed here for <paramref name="purpose"/> and has not expired; else why not.</summary>
    public bool TryOpen<T>(string purpose, string? token, [NotNullWhen(true)] out T? payload, [NotNullWhen(false)] out string? problem) where T : class
    {
        payload = null;
        byte[] sealedBytes;
        try
        {
            sealedBytes = Base64Url.DecodeFromChars(token ?? "");
        }
        catch (FormatException)
        {
            problem = "it is not one this server issued";
            return false;
        }
        if (sealedBytes.Length < NonceSize + TagSize)
        {
            problem = "it is not one this server issued";
            return false;
        }
        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), plain,
                Encoding.UTF8.GetBytes(purpose));
        }
        catch (AuthenticationTagMismatchException)
        {
            problem = "it was altered, is of another kind, or was issued with another OAUTH_CLIENT_SECRET";
            return false;
        }
        var envelope = JsonSerializer.Deserialize<Envelope<T>>(plain);
        if (envelope?.Payload is null)
        {
            problem = "it is not one this server issued";
            return false;
        }
        if (_time.GetUtcNow().ToUnixTimeSeconds() > envelope.Expires)
        {
            problem = $"it expired at {DateTimeOffset.FromUnixTimeSeconds(envelope.Expires):u}";
            return false;
        }
        payload = envelope.Payload;
        problem = null;
        return true;
    }

    private sealed record Envelope<T>(long Expires, T Payload);
}
