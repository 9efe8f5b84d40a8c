using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using McVSphere.Host.Security;

namespace McVSphere.Host.Mcp;

/// <summary>
/// The <c>requestState</c> of a confirmation asked through MRTR (2026-07-28 clients): signed (<see cref="RequestStateSigner"/>;
/// instances that share MCVSPHERE_REQUEST_STATE_SECRET accept each other's), bound to the caller, the target, the tool
/// and a hash of its arguments, valid for <see cref="Lifetime"/>, and used once on the instance that accepts it.
/// The server keeps nothing between the question and the answer but the used states.
/// </summary>
public sealed class ConfirmationStates(RequestStateSigner signer, TimeProvider time)
{
    /// <summary>How long the user has to answer.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);

    /// <summary>A new state for asking <paramref name="caller"/> to confirm this call.</summary>
    public string Create(Caller caller, string target, string tool, IDictionary<string, JsonElement>? arguments)
    {
        return signer.Sign(new Payload(
            Principal(caller), target, tool, ArgumentsHash(arguments), time.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds(),
            Convert.ToHexString(RandomNumberGenerator.GetBytes(16))));
    }

    /// <summary>Null when <paramref name="state"/> is a valid, unused state of this very call by this caller; else why not.</summary>
    public string? Accept(string state, Caller caller, string target, string tool, IDictionary<string, JsonElement>? arguments)
    {
        if (!signer.TryVerify<Payload>(state, "confirmation state", out var claims, out var invalid))
        {
            return invalid;
        }
        var now = time.GetUtcNow();
        if (now.ToUnixTimeSeconds() > claims.Expires)
        {
            return $"it expired at {DateTimeOffset.FromUnixTimeSeconds(claims.Expires):u}: the user has {Lifetime.TotalMinutes:0} minutes to answer";
        }
        if (claims.Principal != Principal(caller) || claims.Target != target || claims.Tool != tool || claims.Arguments != ArgumentsHash(arguments))
        {
            return "it was issued for another caller, vCenter, tool or arguments";
        }
        foreach (var (nonce, expires) in _used.Where(entry => entry.Value < now).ToList())
        {
            _used.TryRemove(nonce, out _);
        }
        return _used.TryAdd(claims.Nonce, DateTimeOffset.FromUnixTimeSeconds(claims.Expires)) ? null : "it was used already";
    }

    internal static string Principal(Caller caller) => caller.Subject is null ? $"local:{caller.User}" : $"{caller.Issuer}\n{caller.Subject}";

    /// <summary>SHA-256 of the arguments that make the call what it is: all but confirm and dry_run, in name order.</summary>
    private static string ArgumentsHash(IDictionary<string, JsonElement>? arguments)
    {
        var canonical = new StringBuilder();
        foreach (var (name, value) in (arguments ?? new Dictionary<string, JsonElement>())
                     .Where(argument => argument.Key is not (ChangeArguments.Confirm or ChangeArguments.DryRun))
                     .OrderBy(argument => argument.Key, StringComparer.Ordinal))
        {
            canonical.Append(JsonSerializer.Serialize(name)).Append(':').Append(value.GetRawText()).Append('\n');
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
    }

    private sealed record Payload(string Principal, string Target, string Tool, string Arguments, long Expires, string Nonce);
}
