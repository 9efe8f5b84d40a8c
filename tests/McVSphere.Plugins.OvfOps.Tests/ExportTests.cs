using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.OvfOps.Tests;

/// <summary>export_vm_ovf moves real disk bytes, writes vSphere's descriptor and a SHA-256 manifest, and its packages deploy again.</summary>
public sealed class ExportTests(OvfOpsFixture fixture) : IClassFixture<OvfOpsFixture>
{
    [Fact]
    public async Task Exports_a_folder_package_that_deploys_again_with_the_same_disk_bytes()
    {
        var source = fixture.UniqueName("src");
        var disk = new TestDisk("disk1.vmdk", TestPackages.Vmdk(2 << 20, seed: 10));
        await fixture.DeployAsync(source, disk);

        var result = await fixture.Client.CallJsonAsync("export_vm_ovf", new { vm_name = source, target_path = $"exports/{source}" });

        Assert.Equal("ovf", result.GetProperty("format").GetString());
        var folder = Path.Combine(fixture.FileRoot, "exports", source);
        var exportedDisk = Path.Combine(folder, $"{source}-disk1.vmdk");
        Assert.Equal(disk.Content, File.ReadAllBytes(exportedDisk));
        // The manifest lists the descriptor and the disk with their SHA-256, as written.
        var manifest = File.ReadAllLines(Path.Combine(folder, $"{source}.mf"));
        Assert.Equal(
            [$"SHA256({source}.ovf)= {Sha256(Path.Combine(folder, $"{source}.ovf"))}", $"SHA256({source}-disk1.vmdk)= {Sha256(exportedDisk)}"],
            manifest);
        // vSphere's descriptor references the disk file by its name and size.
        var descriptor = XDocument.Load(Path.Combine(folder, $"{source}.ovf"));
        var reference = Assert.Single(descriptor.Descendants(), element => element.Name.LocalName == "File");
        Assert.Equal($"{source}-disk1.vmdk", reference.Attributes().Single(attribute => attribute.Name.LocalName == "href").Value);
        Assert.Equal(disk.Content.Length.ToString(), reference.Attributes().Single(attribute => attribute.Name.LocalName == "size").Value);

        var copy = fixture.UniqueName("copy");
        var deployed = await fixture.Client.CallJsonAsync("deploy_ovf",
            new { ovf_path = $"file:exports/{source}/{source}.ovf", vm_name = copy, datastore = OvfOpsFixture.Datastore });
        Assert.Equal(disk.Content, await ReadDiskOfAsync(copy));
        Assert.Equal(disk.Content.Length, deployed.GetProperty("bytes_uploaded").GetInt64());
    }

    [Fact]
    public async Task Exports_an_ova_with_the_descriptor_first_that_lists_and_deploys_again()
    {
        var source = fixture.UniqueName("ovasrc");
        TestDisk[] disks = [new("a.vmdk", TestPackages.Vmdk(1 << 20, seed: 11)), new("b.vmdk", TestPackages.Vmdk(600_000, seed: 12))];
        await fixture.DeployAsync(source, disks);

        var result = await fixture.Client.CallJsonAsync("export_vm_ovf", new { vm_name = source, target_path = $"ovas/{source}.ova" });

        Assert.Equal("ova", result.GetProperty("format").GetString());
        var ova = Path.Combine(fixture.FileRoot, "ovas", $"{source}.ova");
        Assert.Equal(new FileInfo(ova).Length, result.GetProperty("bytes").GetInt64());
        Assert.Equal([$"{source}.ova"], Directory.GetFiles(Path.GetDirectoryName(ova)!).Select(Path.GetFileName));
        var entries = ReadTar(ova);
        Assert.Equal([$"{source}.ovf", $"{source}.mf", $"{source}-disk1.vmdk", $"{source}-disk2.vmdk"], entries.Keys);
        Assert.Equal(disks[0].Content, entries[$"{source}-disk1.vmdk"]);
        Assert.Equal(disks[1].Content, entries[$"{source}-disk2.vmdk"]);
        Assert.Contains($"SHA256({source}-disk2.vmdk)= {Convert.ToHexStringLower(SHA256.HashData(disks[1].Content))}",
            Encoding.UTF8.GetString(entries[$"{source}.mf"]));

        var networks = await fixture.Client.CallJsonAsync("list_ovf_networks", new { ovf_path = $"file:ovas/{source}.ova" });
        Assert.Equal("VM Network", networks.GetProperty("networks")[0].GetProperty("name").GetString());
        var copy = fixture.UniqueName("ovacopy");
        await fixture.Client.CallJsonAsync("deploy_ovf", new { ovf_path = $"file:ovas/{source}.ova", vm_name = copy, datastore = OvfOpsFixture.Datastore });
        Assert.Equal(disks[0].Content, await ReadDiskOfAsync(copy, index: 0));
        Assert.Equal(disks[1].Content, await ReadDiskOfAsync(copy, index: 1));
    }

    [Fact]
    public async Task Exports_to_a_datastore_folder()
    {
        var source = fixture.UniqueName("dsexp");
        var disk = new TestDisk("disk1.vmdk", TestPackages.Vmdk(1 << 20, seed: 13));
        await fixture.DeployAsync(source, disk);

        var result = await fixture.Client.CallJsonAsync("export_vm_ovf",
            new { vm_name = source, target_path = $"exports/{source}", datastore = OvfOpsFixture.Datastore });

        Assert.Equal($"[{OvfOpsFixture.Datastore}] exports/{source}/{source}.ovf", result.GetProperty("target").GetString());
        Assert.Equal(disk.Content, await fixture.ReadDatastoreFileAsync($"exports/{source}/{source}-disk1.vmdk"));
        var manifest = Encoding.UTF8.GetString((await fixture.ReadDatastoreFileAsync($"exports/{source}/{source}.mf"))!);
        Assert.Contains($"SHA256({source}-disk1.vmdk)= {Convert.ToHexStringLower(SHA256.HashData(disk.Content))}", manifest);
    }

    [Fact]
    public async Task A_powered_on_vm_or_an_existing_target_is_refused()
    {
        var source = fixture.UniqueName("busy");
        await fixture.DeployAsync(source, new TestDisk("disk1.vmdk", TestPackages.Vmdk(4096, seed: 104)));
        Directory.CreateDirectory(fixture.RootPath($"taken/{source}/x"));
        File.WriteAllText(fixture.RootPath($"taken/{source}/{source}.ovf"), "mine");

        var poweredOn = await fixture.Client.CallErrorAsync("export_vm_ovf", new { vm_name = "DC0_H0_VM0", target_path = "running" });
        var existing = await fixture.Client.CallErrorAsync("export_vm_ovf", new { vm_name = source, target_path = $"taken/{source}" });

        Assert.Contains("powered on", poweredOn);
        Assert.Contains("already exists", existing);
        Assert.Equal("mine", File.ReadAllText(fixture.RootPath($"taken/{source}/{source}.ovf")));
        Assert.False(File.Exists(fixture.RootPath($"taken/{source}/{source}-disk1.vmdk")));
    }

    private async Task<byte[]?> ReadDiskOfAsync(string vmName, int index = 0)
    {
        var vm = await fixture.VSphere.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, vmName);
        var file = (await fixture.VSphere.GetDevicesAsync(vm.Ref)).OfType<VirtualDisk>().ElementAt(index).FlatBacking!.FileName;
        Assert.True(DatastorePath.TryParse(file, out var path), file);
        return await fixture.ReadDatastoreFileAsync(path.Path);
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static Dictionary<string, byte[]> ReadTar(string path)
    {
        var entries = new Dictionary<string, byte[]>();
        using var reader = new TarReader(File.OpenRead(path));
        while (reader.GetNextEntry() is { } entry)
        {
            var content = new MemoryStream();
            entry.DataStream?.CopyTo(content);
            entries.Add(entry.Name, content.ToArray());
        }
        return entries;
    }
}
