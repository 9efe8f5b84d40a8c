using McVSphere.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace McVSphere.Tests;

/// <summary>
/// The host's configuration sources as a team moving from the original mcvsphere brings them: its .env file and its YAML
/// settings file. Each test builds the configuration for its own directory and environment, so none touches the process's.
/// </summary>
public sealed class HostConfigurationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mcvsphere-config-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    private IConfigurationRoot Build(string? configFile = null, Dictionary<string, string>? environment = null) =>
        HostConfiguration.Build(configFile, _directory, environment ?? []);

    private static McVSphereOptions Options(IConfiguration configuration) =>
        new McVSphereOptionsReader(configuration).Read(simulatorRequested: false);

    [Fact]
    public void A_dot_env_file_in_the_working_directory_is_read()
    {
        Write(".env", "VCENTER_HOST=vc.example.com\nVCENTER_USER=svc@vsphere.local\nVCENTER_PASSWORD=s3cret\nMCP_TRANSPORT=streamable-http\n");

        var options = Options(Build());

        Assert.Equal("vc.example.com", options.VCenter!.Server);
        Assert.Equal("svc@vsphere.local", options.VCenter.User);
        Assert.Equal("s3cret", options.VCenter.Password);
        Assert.Equal(McpTransportKind.StreamableHttp, options.Transport);
    }

    [Fact]
    public void Without_a_dot_env_file_nothing_is_added()
    {
        var configuration = Build(environment: new() { ["MCP_PORT"] = "9000" });

        Assert.Equal("9000", configuration["MCP_PORT"]);
        Assert.Null(configuration["VCENTER_HOST"]);
    }

    [Fact]
    public void Environment_variables_win_over_the_dot_env_file()
    {
        Write(".env", "MCP_PORT=1111\nMCP_HOST=10.0.0.1\n");

        var configuration = Build(environment: new() { ["MCP_PORT"] = "2222" });

        Assert.Equal("2222", configuration["MCP_PORT"]);
        Assert.Equal("10.0.0.1", configuration["MCP_HOST"]);
    }

    [Fact]
    public void Quotes_export_comments_and_blank_lines_are_read_as_python_dotenv_reads_them()
    {
        Write(".env", string.Join("\n",
            "\uFEFF# a comment line",
            "",
            "export EXPORTED=1",
            "SPACED = around equals   ",
            "UNQUOTED=value # inline comment",
            "HASH_INSIDE=a#b",
            "ONLY_COMMENT=   # nothing",
            "EMPTY=",
            "SINGLE='kept # not a comment \\n $HOME'",
            "SINGLE_ESCAPE='it\\'s'",
            "DOUBLE=\"line1\\nline2\\t\\\"quoted\\\"\" # comment after quotes",
            "MULTI_LINE=\"first",
            "second\"",
            "DOLLARS=pa$$word$HOME",
            "QUOTE_INSIDE=it's",
            "INTERPOLATED=${EXPORTED}-${FROM_ENV}-${MISSING:-fallback}",
            "lower_case=upper cased",
            "KEY_WITHOUT_VALUE",
            "   # indented comment",
            "LAST=no newline at the end"));

        var configuration = Build(environment: new() { ["FROM_ENV"] = "env" });

        Assert.Equal("1", configuration["EXPORTED"]);
        Assert.Equal("around equals", configuration["SPACED"]);
        Assert.Equal("value", configuration["UNQUOTED"]);
        Assert.Equal("a#b", configuration["HASH_INSIDE"]);
        Assert.Equal("", configuration["ONLY_COMMENT"]);
        Assert.Equal("", configuration["EMPTY"]);
        Assert.Equal("kept # not a comment \\n $HOME", configuration["SINGLE"]);
        Assert.Equal("it's", configuration["SINGLE_ESCAPE"]);
        Assert.Equal("line1\nline2\t\"quoted\"", configuration["DOUBLE"]);
        Assert.Equal("first\nsecond", configuration["MULTI_LINE"]);
        Assert.Equal("pa$$word$HOME", configuration["DOLLARS"]);
        Assert.Equal("it's", configuration["QUOTE_INSIDE"]);
        Assert.Equal("1-env-fallback", configuration["INTERPOLATED"]);
        Assert.Equal("upper cased", configuration["LOWER_CASE"]);
        Assert.Null(configuration["KEY_WITHOUT_VALUE"]);
        Assert.Equal("no newline at the end", configuration["LAST"]);
    }

    [Fact]
    public void Keys_are_upper_cased_as_pydantic_settings_ignores_their_case()
    {
        Write(".env", "vcenter_host=vc.example.com\r\nVcenter_User=svc@vsphere.local\r\nvcenter_password=s3cret\r\n");

        var options = Options(Build());

        Assert.Equal("vc.example.com", options.VCenter!.Server);
        Assert.Equal("svc@vsphere.local", options.VCenter.User);
        Assert.Equal("s3cret", options.VCenter.Password);
    }

    [Fact]
    public void A_malformed_line_stops_start_up_naming_the_file_and_line_but_never_its_text()
    {
        var path = Write(".env", string.Join("\n",
            "VCENTER_HOST=vc.example.com",
            "# fine",
            "VCENTER_PASSWORD=\"Sup3r-S3cret",
            "VCENTER_USER admin-Secret2",
            "MCP_PORT='8080' trailing-Secret3",
            "MCP_HOST=127.0.0.1"));

        var ex = Assert.Throws<HostConfigurationException>(() => Build());

        Assert.Equal(3, ex.Problems.Count);
        Assert.StartsWith($"{path}:3: ", ex.Problems[0]);
        Assert.Contains("not closed", ex.Problems[0]);
        Assert.StartsWith($"{path}:4: ", ex.Problems[1]);
        Assert.StartsWith($"{path}:5: ", ex.Problems[2]);
        foreach (var secret in new[] { "Sup3r-S3cret", "admin-Secret2", "trailing-Secret3", "VCENTER_PASSWORD", "VCENTER_USER" })
        {
            Assert.DoesNotContain(secret, ex.Message);
        }
    }

    [Fact]
    public void MCVSPHERE_ENV_FILE_none_reads_no_dot_env_file()
    {
        Write(".env", "VCENTER_HOST=vc.example.com\nthis line is malformed\n");

        var configuration = Build(environment: new() { ["MCVSPHERE_ENV_FILE"] = "none" });

        Assert.Null(configuration["VCENTER_HOST"]);
        Assert.Throws<HostConfigurationException>(() => Build());
    }

    [Fact]
    public void MCVSPHERE_ENV_FILE_names_another_file_from_the_working_directory()
    {
        Write(".env", "MCP_PORT=1111\n");
        Directory.CreateDirectory(Path.Combine(_directory, "config"));
        Write(Path.Combine("config", "prod.env"), "MCP_PORT=3333\n");

        Assert.Equal("3333", Build(environment: new() { ["MCVSPHERE_ENV_FILE"] = "config/prod.env" })["MCP_PORT"]);

        var ex = Assert.Throws<HostConfigurationException>(() => Build(environment: new() { ["MCVSPHERE_ENV_FILE"] = "missing.env" }));
        var problem = Assert.Single(ex.Problems);
        Assert.StartsWith("MCVSPHERE_ENV_FILE:", problem);
        Assert.Contains("missing.env", problem);
    }

    [Theory]
    [InlineData("settings.json", """{ "MCP_PORT": "2222", "MCP_HOST": "10.0.0.2" }""")]
    [InlineData("settings.yaml", "mcp_port: 2222\nmcp_host: 10.0.0.2\n")]
    public void Precedence_is_dot_env_then_config_file_then_environment(string configFile, string content)
    {
        Write(".env", "MCP_PORT=1111\nMCP_HOST=10.0.0.1\nLOG_LEVEL=DEBUG\n");
        Write(configFile, content);

        var configuration = Build(configFile, new() { ["MCP_PORT"] = "3333" });

        Assert.Equal("3333", configuration["MCP_PORT"]);
        Assert.Equal("10.0.0.2", configuration["MCP_HOST"]);
        Assert.Equal("DEBUG", configuration["LOG_LEVEL"]);
    }

    [Fact]
    public void A_yaml_config_file_takes_the_original_field_names()
    {
        Write("mcvsphere.yaml", """
            # the original mcvsphere's settings
            vcenter_host: vc.example.com
            vcenter_user: svc-mcvsphere@vsphere.local
            vcenter_password: "s3cret: with colon"
            vcenter_insecure: true
            vcenter_datacenter:
            mcp_transport: streamable-http
            mcp_port: 9090
            log_level: ~
            """);

        var configuration = Build("mcvsphere.yaml");
        var options = Options(configuration);

        Assert.Equal("vc.example.com", options.VCenter!.Server);
        Assert.Equal("svc-mcvsphere@vsphere.local", options.VCenter.User);
        Assert.Equal("s3cret: with colon", options.VCenter.Password);
        Assert.True(options.VCenter.Insecure);
        Assert.Equal(McpTransportKind.StreamableHttp, options.Transport);
        Assert.Equal(9090, options.HttpPort);
        Assert.Null(configuration["VCENTER_DATACENTER"]);
        Assert.Null(configuration["LOG_LEVEL"]);
    }

    [Fact]
    public void A_config_file_whose_content_is_not_json_is_read_as_yaml()
    {
        Write("mcvsphere.conf", "mcp_port: 9090\nmcp_host: 'null'\n");

        var configuration = Build("mcvsphere.conf");

        Assert.Equal("9090", configuration["MCP_PORT"]);
        Assert.Equal("null", configuration["MCP_HOST"]);
    }

    [Theory]
    [InlineData("oauth:\n  client_secret: Sup3r-S3cret\n", "nested mapping")]
    [InlineData("oauth_scopes:\n  - Sup3r-S3cret\n  - profile\n", "list")]
    [InlineData("oauth_scopes: [Sup3r-S3cret, profile]\n", "list")]
    public void A_nested_yaml_value_stops_start_up_naming_the_key(string nested, string what)
    {
        Write("mcvsphere.yml", "vcenter_host: vc.example.com\n" + nested);

        var ex = Assert.Throws<HostConfigurationException>(() => Build("mcvsphere.yml"));

        var problem = Assert.Single(ex.Problems);
        Assert.StartsWith("--config: 'mcvsphere.yml': '", problem);
        Assert.Contains(nested[..nested.IndexOf(':')], problem);
        Assert.Contains("(line 2)", problem);
        Assert.Contains(what, problem);
        Assert.DoesNotContain("Sup3r-S3cret", ex.Message);
    }

    [Theory]
    [InlineData("vcenter_host: [unclosed\n", "not valid YAML: line 2")]
    [InlineData("- vcenter_host\n- vcenter_user\n", "must be a mapping")]
    public void A_yaml_file_that_is_no_flat_mapping_stops_start_up(string content, string expected)
    {
        Write("mcvsphere.yaml", content);

        var ex = Assert.Throws<HostConfigurationException>(() => Build("mcvsphere.yaml"));

        Assert.Contains(expected, Assert.Single(ex.Problems));
    }

    [Fact]
    public void A_json_config_file_still_takes_the_environment_variable_names()
    {
        Write(".env", "MCP_HOST=10.0.0.1\n");
        Write("settings.json", """{ "MCP_PORT": "9090", "MCP_HOST": "10.0.0.2", /* comment */ "LOG_LEVEL": "DEBUG", }""");

        var configuration = Build("settings.json");

        Assert.Equal("9090", configuration["MCP_PORT"]);
        Assert.Equal("10.0.0.2", configuration["MCP_HOST"]);
        Assert.Equal("DEBUG", configuration["LOG_LEVEL"]);
    }

    [Theory]
    [InlineData("settings.json", "{ \"MCP_PORT\": 9090,, }")]
    [InlineData("settings.conf", "{ \"MCP_PORT\": 9090,, }")]
    public void A_config_file_meant_as_json_that_is_not_says_so(string name, string content)
    {
        Write(name, content);

        var ex = Assert.Throws<HostConfigurationException>(() => Build(name));

        Assert.StartsWith($"--config: '{name}' is not valid JSON", Assert.Single(ex.Problems));
    }

    [Fact]
    public void A_missing_config_file_is_named()
    {
        var ex = Assert.Throws<HostConfigurationException>(() => Build("absent.yaml"));

        Assert.Equal("--config: file 'absent.yaml' does not exist.", Assert.Single(ex.Problems));
    }

    [Fact]
    public void Double_underscores_in_environment_variables_still_name_sections()
    {
        var configuration = Build(environment: new() { ["Plugin__Setting"] = "value" });

        Assert.Equal("value", configuration.GetSection("Plugin")["Setting"]);
    }
}
