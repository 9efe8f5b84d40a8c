using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json;

namespace McVSphere.Host.Mcp;

/// <summary>
/// Signs what the server hands to clients to bring back to any instance (confirmation states, task ids), so that it
/// need not remember them: HMAC-SHA256 with MCVSPHERE_REQUEST_STATE_SECRET (instances that share it accept each other's),
/// or a random key per process. A token is the base64url JSON payload, a dot, and the base64url signature.
/// </summary>
public sealed class RequestStateSigner(byte[]? secret)
{
    private readonly byte[] _key = secret ?? RandomNumberGenerator.GetBytes(32);

    public string Sign<TPayload>(TPayload payload)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(payload);
        return $"{Base64Url.EncodeToString(bytes)}.{Base64Url.EncodeToString(HMACSHA256.HashData(_key, bytes))}";
    }

    /// <summary>Whether <paramref name="token"/> carries this server's signature, with its payload; else why not (<paramref name="what"/> names it).</summary>
    public bool TryVerify<TPayload>(string token, string what, [NotNullWhen(true)] out TPayload? payload, [NotNullWhen(false)] out string? problem)
        where TPayload : class
    {
        payload = null;
        problem = Check(token, what, ref payload);
        return problem is null;
    }

    private string? Check<TPayload>(string token, string what, ref TPayload? payload) where TPayload : class
    {
        var parts = token.Split('.');
        byte[] bytes, signature;
        try
        {
            (bytes, signature) = parts.Length == 2 ? (Base64Url.DecodeFromChars(parts[0]), Base64Url.DecodeFromChars(parts[1])) : throw new FormatException();
        }
        catch (FormatException)
        {
            return $"it is not a {what} this server issued";
        }
        if (!CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(_key, bytes)))
        {
            return "its signature does not match (altered, or signed with another MCVSPHERE_REQUEST_STATE_SECRET)";
        }
        try
        {
            payload = JsonSerializer.Deserialize<TPayload>(bytes);
        }
        catch (JsonException)
        {
        }
        return payload is null ? $"it is not a {what} this server issued" : null;
    }
}
