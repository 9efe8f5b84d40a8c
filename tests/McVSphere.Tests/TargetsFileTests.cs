using McVSphere.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace McVSphere.Tests;

/// <summary>MCVSPHERE_TARGETS_FILE: several vCenters, refused at start with the target and field named, never a password.</summary>
public sealed class TargetsFileTests : IDisposable
{
    private const string Password = "pr0d-Secret-value";
    private readonly string _directory = Directory.CreateTempSubdirectory("mcvsphere-targets-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private McVSphereOptions Read(string json, Dictionary<string, string?>? more = null, bool simulator = false)
    {
        var file = Path.Combine(_directory, "targets.json");
        File.WriteAllText(file, json);
        var settings = new Dictionary<string, string?>(more ?? []) { ["MCVSPHERE_TARGETS_FILE"] = file };
        return new McVSphereOptionsReader(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).Read(simulator);
    }

    private IReadOnlyList<string> Problems(string json, Dictionary<string, string?>? more = null, bool simulator = false) =>
        Assert.Throws<HostConfigurationException>(() => Read(json, more, simulator)).Problems;

    [Fact]
    public void A_file_defines_targets_with_their_settings_and_default()
    {
        var secret = Path.Combine(_directory, "prod.secret");
        File.WriteAllText(secret, Password + "\n");
        var options = Read($$"""
            {"default": "lab",
             "targets": [
               {"name": "prod", "host": "vc-prod.example.com", "user": "svc@vsphere.local", "password_file": "{{secret}}",
                "thumbprint": "{{string.Join(":", Enumerable.Repeat("AB", 32))}}", "datacenter": "DC1", "datastore": "ds-prod"},
               {"name": "lab", "host": "vc-lab.example.com:8443", "user": "svc@vsphere.local", "password": "x", "insecure": true, "read_only": true}]}
            """);

        var targets = options.Targets!;
        Assert.True(targets.FromFile);
        Assert.Equal("lab", targets.Default);
        Assert.Equal(["prod", "lab"], targets.All.Select(t => t.Name));
        var prod = targets.All[0];
        Assert.Equal(Password, prod.Connection.Password);
        Assert.Equal(string.Concat(Enumerable.Repeat("AB", 32)), prod.Connection.Thumbprint);
        Assert.Equal(new PlacementDefaults("DC1", null, "ds-prod", null), prod.Defaults);
        Assert.False(prod.ReadOnly);
        Assert.True(targets.All[1].Connection.Insecure);
        Assert.True(targets.All[1].ReadOnly);
        Assert.Null(options.VCenter);
    }

    [Fact]
    public void Without_a_default_the_first_target_is_the_default()
    {
        var options = Read("""{"targets": [{"name": "a", "host": "a.example.com", "user": "u", "password": "p"}, {"name": "b", "host": "b.example.com", "user": "u", "password": "p"}]}""");

        Assert.Equal("a", options.Targets!.Default);
    }

    [Fact]
    public void Each_problem_names_the_target_and_the_field_and_no_password()
    {
        var problems = Problems($$"""
            {"default": "nowhere",
             "targets": [
               {"name": "prod", "host": "vc-prod.example.com", "user": "svc", "password": "{{Password}}", "thumbprint": "12:34", "hots": "x"},
               {"name": "lab", "user": "svc", "password": "{{Password}}", "password_file": "/no/such/file"},
               {"name": "prod", "host": "other.example.com", "user": "svc", "password": "{{Password}}"},
               {"host": "x.example.com", "user": "svc", "password": 42}]}
            """);

        Assert.Contains(problems, p => p.StartsWith("MCVSPHERE_TARGETS_FILE: target 'prod': thumbprint: must be a SHA-256 thumbprint", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("MCVSPHERE_TARGETS_FILE: target 'prod': hots: is not a target field; did you mean host?", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("MCVSPHERE_TARGETS_FILE: target 'lab': host: is required", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("MCVSPHERE_TARGETS_FILE: target 'lab': password_file: is given together with password", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("MCVSPHERE_TARGETS_FILE: target 'prod': name: is used by an earlier target", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("MCVSPHERE_TARGETS_FILE: target 4: name: is required", StringComparison.Ordinal));
        Assert.Contains(problems, p => p == "MCVSPHERE_TARGETS_FILE: target 4: password: must be a string.");
        Assert.Contains(problems, p => p.StartsWith("MCVSPHERE_TARGETS_FILE: default: 'nowhere' is no target; the targets are prod", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains(Password, StringComparison.Ordinal) || p.Contains("42", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not json", "cannot be read as JSON")]
    [InlineData("""{"targets": []}""", "non-empty \"targets\" array")]
    [InlineData("""{"targets": [{"name": "a b", "host": "a.example.com", "user": "u", "password": "p"}]}""", "target 'a b': name: 'a b' is not a target name")]
    [InlineData("""{"targets": [{"name": "*", "host": "a.example.com", "user": "u", "password": "p"}]}""", "target '*': name: '*' is not a target name")]
    [InlineData("""{"targets": [{"name": "a", "host": "a.example.com", "user": "u", "password": "p", "insecure": "yes"}]}""", "target 'a': insecure: must be true or false.")]
    [InlineData("""{"target": [], "targets": [{"name": "a", "host": "a.example.com", "user": "u", "password": "p"}]}""", "unknown field 'target' at the top level")]
    public void A_malformed_file_is_refused_saying_what_is_wrong(string json, string expected)
    {
        Assert.Contains(Problems(json), problem => problem.StartsWith("MCVSPHERE_TARGETS_FILE: ", StringComparison.Ordinal) && problem.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void The_file_excludes_the_single_vCenter_variables_and_the_simulator()
    {
        const string File = """{"targets": [{"name": "a", "host": "a.example.com", "user": "u", "password": "p"}]}""";

        Assert.Contains(Problems(File, new() { ["VCENTER_HOST"] = "vc.example.com" }), p => p.Contains("together with VCENTER_HOST", StringComparison.Ordinal));
        Assert.Contains(Problems(File, simulator: true), p => p.Contains("while the embedded simulator is requested", StringComparison.Ordinal));
    }

    [Fact]
    public void A_role_map_pattern_that_matches_no_target_is_refused()
    {
        const string File = """{"targets": [{"name": "prod", "host": "a.example.com", "user": "u", "password": "p"}, {"name": "lab-1", "host": "b.example.com", "user": "u", "password": "p"}]}""";

        Assert.NotNull(Read(File, new() { ["MCVSPHERE_ROLE_MAP"] = """{"admins": {"level": "VM_LIFECYCLE", "targets": ["lab-*"]}}""" }));
        Assert.Contains(Problems(File, new() { ["MCVSPHERE_ROLE_MAP"] = """{"admins": {"level": "VM_LIFECYCLE", "targets": ["labs-*"]}}""" }),
            p => p == "MCVSPHERE_ROLE_MAP: group 'admins': targets pattern 'labs-*' matches no target; the targets are prod, lab-1.");
    }
}
