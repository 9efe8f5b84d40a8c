namespace McVSphere.Plugins.OvfOps.Tests;

/// <summary>Files on the server's own disk are read and written only inside MCVSPHERE_FILE_ROOT.</summary>
public sealed class FileRootTests(OvfOpsFixture fixture) : IClassFixture<OvfOpsFixture>
{
    [Fact]
    public async Task A_path_that_climbs_out_with_dot_dot_is_refused()
    {
        var name = fixture.UniqueName("dotdot");
        TestPackages.WriteOvf(fixture.Outside, name, [new TestDisk("disk1.vmdk", TestPackages.Vmdk(4096, seed: 101))], ["VM Network"]);

        var error = await fixture.Client.CallErrorAsync("deploy_ovf", new
        {
            ovf_path = $"file:../{Path.GetFileName(fixture.Outside)}/{name}.ovf",
            vm_name = name,
            datastore = OvfOpsFixture.Datastore,
        });

        Assert.Contains("outside the file root", error);
        Assert.False(await fixture.VmExistsAsync(name));
    }

    [Fact]
    public async Task An_absolute_path_outside_the_root_is_refused()
    {
        var secret = Path.Combine(fixture.Outside, "secret.txt");
        File.WriteAllText(secret, "not for the assistant");

        var error = await fixture.Client.CallErrorAsync("upload_to_datastore",
            new { datastore = OvfOpsFixture.Datastore, remote_path = "stolen/secret.txt", local_path = secret });

        Assert.Contains("outside the file root", error);
        Assert.Null(await fixture.ReadDatastoreFileAsync("stolen/secret.txt"));
    }

    [Fact]
    public async Task A_symbolic_link_that_leads_out_is_refused_for_reading_and_writing()
    {
        var vm = fixture.UniqueName("linkvm");
        await fixture.DeployAsync(vm, new TestDisk("disk1.vmdk", TestPackages.Vmdk(4096, seed: 102)));
        var link = fixture.RootPath(fixture.UniqueName("link"));
        Directory.CreateSymbolicLink(link, fixture.Outside);
        File.WriteAllText(Path.Combine(fixture.Outside, "passwd"), "root:x:0:0");
        await fixture.WriteDatastoreFileAsync("linked/notes.txt", "datastore notes"u8.ToArray());

        var read = await fixture.Client.CallErrorAsync("upload_to_datastore",
            new { datastore = OvfOpsFixture.Datastore, remote_path = "linked/passwd", local_path = $"{Path.GetFileName(link)}/passwd" });
        var write = await fixture.Client.CallErrorAsync("download_from_datastore",
            new { datastore = OvfOpsFixture.Datastore, path = "linked/notes.txt", save_to = $"{Path.GetFileName(link)}/notes.txt" });
        var export = await fixture.Client.CallErrorAsync("export_vm_ovf",
            new { vm_name = vm, target_path = $"{Path.GetFileName(link)}/export" });

        Assert.All(new[] { read, write, export }, error => Assert.Contains("outside the file root", error));
        Assert.False(File.Exists(Path.Combine(fixture.Outside, "notes.txt")));
        Assert.False(Directory.Exists(Path.Combine(fixture.Outside, "export")));
    }

    [Fact]
    public async Task A_link_that_stays_inside_the_root_is_followed()
    {
        var folder = fixture.RootPath(fixture.UniqueName("real"));
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "hello.txt"), "hello");
        var link = fixture.RootPath(fixture.UniqueName("alias"));
        Directory.CreateSymbolicLink(link, folder);

        var result = await fixture.Client.CallJsonAsync("upload_to_datastore",
            new { datastore = OvfOpsFixture.Datastore, remote_path = "inside/hello.txt", local_path = $"{Path.GetFileName(link)}/hello.txt" });

        Assert.Equal(5, result.GetProperty("size_bytes").GetInt64());
        Assert.Equal("hello"u8.ToArray(), await fixture.ReadDatastoreFileAsync("inside/hello.txt"));
    }
}

/// <summary>Without MCVSPHERE_FILE_ROOT, local paths are refused while datastore paths and inline content work.</summary>
public sealed class NoFileRootTests(OvfOpsFixture fixture) : IClassFixture<OvfOpsFixture>
{
    [Fact]
    public async Task Local_paths_are_refused_and_datastore_paths_and_inline_content_work()
    {
        var environment = new Dictionary<string, string?>(fixture.Simulator.HostEnvironment) { ["MCVSPHERE_PLUGINS"] = "OvfOps" };
        await using var client = await HostProcess.StartStdioAsync(environment);
        var name = fixture.UniqueName("noroot");
        var ovf = TestPackages.WriteOvf(fixture.RootPath(name), name, [new TestDisk("disk1.vmdk", TestPackages.Vmdk(4096, seed: 103))], ["VM Network"]);
        await fixture.WriteDatastoreFileAsync($"{name}/{name}.ovf", File.ReadAllBytes(ovf));

        var error = await client.CallErrorAsync("list_ovf_networks", new { ovf_path = $"file:{ovf}" });
        var onDatastore = await client.CallJsonAsync("list_ovf_networks", new { ovf_path = $"{name}/{name}.ovf", datastore = OvfOpsFixture.Datastore });
        var uploaded = await client.CallJsonAsync("upload_to_datastore",
            new { datastore = OvfOpsFixture.Datastore, remote_path = $"{name}/inline.txt", content_base64 = Convert.ToBase64String("inline"u8) });

        Assert.Contains("MCVSPHERE_FILE_ROOT", error);
        Assert.Equal("VM Network", onDatastore.GetProperty("networks")[0].GetProperty("name").GetString());
        Assert.Equal(6, uploaded.GetProperty("size_bytes").GetInt64());
    }
}
