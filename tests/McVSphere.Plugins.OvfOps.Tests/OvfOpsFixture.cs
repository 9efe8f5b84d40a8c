using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;

namespace McVSphere.Plugins.OvfOps.Tests;

/// <summary>
/// The simulator's default inventory served by the host with the OvfOps plugin and a file root of its own (a fresh
/// temporary directory, <see cref="FileRoot"/>), plus a vSphere client of the tests' own (<see cref="VSphere"/>) and
/// plain HTTP access to the simulator's datastore files, to read back what the tools did. Tests work on VMs and files
/// they name with <see cref="UniqueName"/>.
/// </summary>
public class OvfOpsFixture : SimulatorHostFixture, IAsyncLifetime
{
    public const string Datastore = "LocalDS_0";
    public const string Datacenter = "DC0";

    private int _sequence;

    /// <summary>MCVSPHERE_FILE_ROOT of the host: the only local directory the tools may use.</summary>
    public string FileRoot { get; } = Directory.CreateTempSubdirectory("mcvsphere-ovfops-").FullName;

    /// <summary>A directory beside the file root, outside it, for escape tests.</summary>
    public string Outside { get; } = Directory.CreateTempSubdirectory("mcvsphere-outside-").FullName;

    /// <summary>A client of the simulator, independent of the host's.</summary>
    public VSphereClient VSphere { get; private set; } = null!;

    public HttpClient Http { get; } = new();

    protected override string? Plugins => "OvfOps";

    // URLs may come from the simulator's own web server (its /folder endpoint) on 127.0.0.1: an allow-listed internal server.
    protected override IReadOnlyDictionary<string, string?> HostSettings =>
        new Dictionary<string, string?>(PlacementSettings)
        {
            ["MCVSPHERE_FILE_ROOT"] = FileRoot,
            ["MCVSPHERE_URL_ALLOW"] = "127.0.0.1",
            ["MCVSPHERE_URL_ALLOW_NETWORKS"] = "127.0.0.1",
        };

    /// <summary>Placement settings for the host (VCENTER_CLUSTER...); none by default.</summary>
    protected virtual IReadOnlyDictionary<string, string?> PlacementSettings => new Dictionary<string, string?>();

    // Re-implemented so that xunit runs these, which extend the base fixture's.
    async Task IAsyncLifetime.InitializeAsync()
    {
        await base.InitializeAsync();
        VSphere = new VSphereClient(new VSphereConnectionOptions
        {
            Server = Simulator.Url.ToString(),
            User = Simulator.User,
            Password = Simulator.Password,
            Insecure = true,
        });
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (VSphere is not null)
        {
            await VSphere.DisposeAsync();
        }
        Http.Dispose();
        await base.DisposeAsync();
        Directory.Delete(FileRoot, recursive: true);
        Directory.Delete(Outside, recursive: true);
    }

    /// <summary>A name no other test uses.</summary>
    public string UniqueName(string prefix) => $"{prefix}-{Interlocked.Increment(ref _sequence)}";

    /// <summary>A path under the file root, its directory created.</summary>
    public string RootPath(string relative)
    {
        var path = Path.Combine(FileRoot, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>Deploys a local package of the given disks (network "VM Network") as a powered-off VM named <paramref name="name"/>.</summary>
    public async Task DeployAsync(string name, params TestDisk[] disks)
    {
        TestPackages.WriteOvf(RootPath($"sources/{name}"), name, disks, ["VM Network"]);
        await Client.CallJsonAsync("deploy_ovf", new { ovf_path = $"file:sources/{name}/{name}.ovf", vm_name = name, datastore = Datastore });
    }

    /// <summary>Whether a VM (or template) of that name exists, read through the tests' own client.</summary>
    public async Task<bool> VmExistsAsync(string name) =>
        (await VSphere.Lookup.ListAsync(VSphereObjectKind.VirtualMachine)).Any(vm => vm.Name == name);

    /// <summary>The bytes of a file of LocalDS_0, fetched from the simulator's /folder endpoint (null when it answers 404).</summary>
    public async Task<byte[]?> ReadDatastoreFileAsync(string path)
    {
        using var response = await Http.GetAsync(FolderUrl(path));
        return response.IsSuccessStatusCode ? await response.Content.ReadAsByteArrayAsync() : null;
    }

    /// <summary>Writes a file of LocalDS_0 through the simulator's /folder endpoint, as test input.</summary>
    public async Task WriteDatastoreFileAsync(string path, byte[] content)
    {
        using var response = await Http.PutAsync(FolderUrl(path), new ByteArrayContent(content));
        response.EnsureSuccessStatusCode();
    }

    private Uri FolderUrl(string path) =>
        new(Simulator.Url, $"/folder/{path}?dcPath={Datacenter}&dsName={Datastore}");
}
