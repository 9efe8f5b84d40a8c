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
    public void The_user_information_of_a_url_is_redacted_in_any_argument_at_any_depth()
    {
        var redacted = ArgumentRedactor.Redact(Arguments(
            """{"ovf_path": "https://ann:p%40ss@downloads.example.com/a.ova?x=1", "list": ["see ftp://tok@[::1]:21/f and http://b:c@h/"], "plain": "https://example.com/a@b"}"""));

        Assert.Equal(
            """{"ovf_path":"https://[REDACTED]@downloads.example.com/a.ova?x=1","list":["see ftp://[REDACTED]@[::1]:21/f and http://[REDACTED]@h/"],"plain":"https://example.com/a@b"}""",
            redacted.ToJsonString());
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
