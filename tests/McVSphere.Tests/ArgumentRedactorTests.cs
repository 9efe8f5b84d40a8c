using System.Text.Json;
using McVSphere.Host.Security;

namespace McVSphere.Tests;

public class ArgumentRedactorTests
{
    private static Dictionary<string, JsonElement> Arguments(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

    [Theory]
    [InlineData("password")]
    [InlineData("Password")]
    [InlineData("guest_password")]
    [InlineData("secret")]
    [InlineData("client_secret")]
    [InlineData("token")]
    [InlineData("refresh_token")]
    [InlineData("content")]
    [InlineData("content_base64")]
    [InlineData("api_key")]
    public void Secret_keys_are_redacted(string key)
    {
        var redacted = ArgumentRedactor.Redact(Arguments($$"""{"{{key}}": "hunter2"}"""));

        Assert.Equal(ArgumentRedactor.Redacted, redacted[key]!.GetValue<string>());
    }

    [Fact]
    public void Other_arguments_are_kept_as_they_were_sent()
    {
        var redacted = ArgumentRedactor.Redact(Arguments("""{"vm_name": "web-01", "memory_mb": 4096, "force": true, "tags": ["a", "b"], "path": null}"""));

        Assert.Equal("""{"vm_name":"web-01","memory_mb":4096,"force":true,"tags":["a","b"],"path":null}""", redacted.ToJsonString());
    }

    [Fact]
    public void Secrets_nested_in_objects_and_arrays_are_redacted_too()
    {
        var redacted = ArgumentRedactor.Redact(Arguments("""{"guest": {"user": "root", "password": "x"}, "files": [{"path": "/etc/motd", "content": "y"}]}"""));

        Assert.Equal("""{"guest":{"user":"root","password":"[REDACTED]"},"files":[{"path":"/etc/motd","content":"[REDACTED]"}]}""", redacted.ToJsonString());
    }

    [Fact]
    public void A_secret_key_is_redacted_whatever_its_value()
    {
        var redacted = ArgumentRedactor.Redact(Arguments("""{"password": {"value": "x"}, "token": 12345}"""));

        Assert.Equal("""{"password":"[REDACTED]","token":"[REDACTED]"}""", redacted.ToJsonString());
    }

    [Fact]
    public void No_arguments_give_an_empty_object()
    {
        Assert.Equal("{}", ArgumentRedactor.Redact(null).ToJsonString());
    }

    [Theory]
    [InlineData("content_type", false)]
    [InlineData("passwords_expire", false)]
    [InlineData("token_count", false)]
    [InlineData("vm_password", true)]
    public void Only_whole_secret_names_and_suffixes_count(string key, bool secret)
    {
        Assert.Equal(secret, ArgumentRedactor.IsSecret(key));
    }
}
