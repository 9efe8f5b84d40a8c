using System.Text.Json;
using McVSphere.Host.Mcp;
using McVSphere.Host.Security;
using McVSphere.Sdk.Security;

namespace McVSphere.Tests;

/// <summary>The signed state of an MRTR confirmation: accepted once, for the call it was issued for, while fresh.</summary>
public class ConfirmationStatesTests
{
    private static readonly byte[] Secret = "a-secret-that-several-instances-share-0123456789"u8.ToArray();
    private static readonly Caller Alice = new("alice", ["vsphere-admins"], PermissionLevel.VmLifecycle, "sub-alice", "https://idp.example.com");
    private static readonly Caller Bob = new("bob", ["vsphere-admins"], PermissionLevel.VmLifecycle, "sub-bob", "https://idp.example.com");

    private readonly SettableTime _time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));

    private static Dictionary<string, JsonElement> Arguments(string vm, bool confirm = false) => new()
    {
        ["name"] = JsonSerializer.SerializeToElement(vm),
        ["confirm"] = JsonSerializer.SerializeToElement(confirm),
    };

    [Fact]
    public void A_state_is_accepted_once_by_any_instance_that_shares_the_secret()
    {
        var state = new ConfirmationStates(new RequestStateSigner(Secret), _time).Create(Alice, "prod", "delete_vm", Arguments("web-01"));
        var otherInstance = new ConfirmationStates(new RequestStateSigner(Secret), _time);

        Assert.Null(otherInstance.Accept(state, Alice, "prod", "delete_vm", Arguments("web-01", confirm: true)));
        Assert.Equal("it was used already", otherInstance.Accept(state, Alice, "prod", "delete_vm", Arguments("web-01")));
    }

    [Fact]
    public void A_state_for_another_caller_target_tool_or_arguments_is_refused()
    {
        var states = new ConfirmationStates(new RequestStateSigner(Secret), _time);
        var state = states.Create(Alice, "prod", "delete_vm", Arguments("web-01"));

        Assert.Contains("another caller, vCenter, tool or arguments", states.Accept(state, Bob, "prod", "delete_vm", Arguments("web-01")));
        Assert.Contains("another caller, vCenter, tool or arguments", states.Accept(state, Alice, "prod", "delete_snapshot", Arguments("web-01")));
        Assert.Contains("another caller, vCenter, tool or arguments", states.Accept(state, Alice, "prod", "delete_vm", Arguments("db-01")));
        Assert.Contains("another caller, vCenter, tool or arguments", states.Accept(state, Alice, "lab", "delete_vm", Arguments("web-01")));
        Assert.Null(states.Accept(state, Alice, "prod", "delete_vm", Arguments("web-01")));
    }

    [Fact]
    public void An_altered_state_or_one_signed_with_another_secret_is_refused()
    {
        var states = new ConfirmationStates(new RequestStateSigner(Secret), _time);
        var state = states.Create(Alice, "prod", "delete_vm", Arguments("web-01"));
        var payload = state[..state.IndexOf('.')];
        var forged = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new { Principal = "x", Tool = "delete_vm" })).TrimEnd('=') + state[state.IndexOf('.')..];

        Assert.Contains("signature does not match", states.Accept(forged, Alice, "prod", "delete_vm", Arguments("web-01")));
        Assert.Contains("signature does not match", new ConfirmationStates(new RequestStateSigner("another-secret-of-at-least-32-characters"u8.ToArray()), _time)
            .Accept(state, Alice, "prod", "delete_vm", Arguments("web-01")));
        Assert.Contains("not a confirmation state", states.Accept(payload, Alice, "prod", "delete_vm", Arguments("web-01")));
        Assert.Contains("not a confirmation state", states.Accept("not base64!.at all", Alice, "prod", "delete_vm", Arguments("web-01")));
    }

    [Fact]
    public void A_state_expires()
    {
        var states = new ConfirmationStates(new RequestStateSigner(Secret), _time);
        var state = states.Create(Alice, "prod", "delete_vm", Arguments("web-01"));

        _time.Now += ConfirmationStates.Lifetime + TimeSpan.FromSeconds(1);

        Assert.Contains("expired", states.Accept(state, Alice, "prod", "delete_vm", Arguments("web-01")));
    }

    private sealed class SettableTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
