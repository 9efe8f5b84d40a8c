using System.ComponentModel;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Progress;
using McVSphere.Sdk.Safety;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Transfers;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.OvfOps;

[McpServerToolType]
public sealed class OvfDeployTools(IVSphereSession session, LocalFileRoot files, WebDownloads web)
{
    private const int MaxVmNameLength = 80;

    [McpServerTool(Name = "deploy_ovf", UseStructuredContent = true), Description(
        "Deploys an OVF or OVA package as a new VM: the descriptor is mapped by vSphere (OvfManager.CreateImportSpec), the VM created " +
        "(ResourcePool.ImportVApp) in the configured cluster, else host_name's, else the first cluster or host that mounts the datastore " +
        "(in a cluster without DRS on host_name, else on a connected host outside maintenance mode that mounts the datastore and reaches " +
        "the networks), and every disk streamed to it through the NFC lease, " +
        "with progress. ovf_path is an .ovf (its disks beside it) or an .ova, given as a datastore path ('[datastore] folder/x.ova', or " +
        "'folder/x.ova' on datastore, as in the original mcvsphere), 'file:folder/x.ova' under the server's file root (MCVSPHERE_FILE_ROOT), " +
        "or an http(s) URL from a host the server allows (MCVSPHERE_URL_ALLOW). Each OVF network is mapped by network_map, else to " +
        "network, else to VCENTER_NETWORK, else to the network of the same name. If anything fails the import is aborted and no VM is " +
        "left behind. Returns name, power_state, host, datastore, cpu, memory_mb, disks [{label, file, capacity_gb}], networks, " +
        "files [{file, bytes}] uploaded, bytes_uploaded, warnings.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("deploy {ovf_path} as a new VM '{vm_name}' on datastore {datastore} (powered on: {power_on})")]
    public async Task<DeployedVm> DeployOvf(
        [Description("The package (.ova, or .ovf with its disks beside it): " + PackageLocation.Forms + ".")]
        [UrlSource(PermissionLevel.VmLifecycle)] string ovf_path,
        [Description("The new VM's name; no VM or template may have it already.")] string vm_name,
        [Description("The datastore for the VM's files and disks; a plain ovf_path is read from it too.")] string datastore,
        IProgress<ProgressNotificationValue> progress,
        [Description("The network (port group) to connect every OVF network to; see list_ovf_networks for the OVF's own.")] string? network = null,
        [Description("Power the VM on once deployed (default false).")] bool power_on = false,
        [Description("OVF network name → network (port group) name, for OVFs with several networks, e.g. {\"VM Network\": \"DC0_DVPG0\"}; " +
            "networks not listed go to network.")] Dictionary<string, string>? network_map = null,
        [Description("Host to run the VM on (name or path); default: vSphere's choice with DRS, else a connected host outside maintenance " +
            "mode that mounts the datastore and reaches the networks.")] string? host_name = null,
        [Description(OvfTimeLimit.Description)] int? timeout_s = null,
        CancellationToken cancellationToken = default)
    {
        using var limit = OvfTimeLimit.Start(timeout_s, cancellationToken);
        cancellationToken = limit.Token;
        try
        {
            RequireVmName(vm_name);
            var client = session.Client;
            var location = await PackageLocation.ParseAsync(ovf_path, datastore, nameof(ovf_path), client, files, web, cancellationToken);
            await using var package = await OvfPackage.OpenAsync(location, cancellationToken);
            var descriptor = package.Descriptor;
            RequirePlainFiles(descriptor, location);

            var placement = await DeployPlacement.ChooseAsync(session, datastore, vm_name, host_name, cancellationToken);
            var mappings = placement.MapNetworks(descriptor, network, network_map, session.Defaults.Network);
            var host = placement.ChooseHost(mappings);
            var spec = await client.CreateImportSpecAsync(descriptor.Xml, placement.Target.RootPool, placement.Datastore.Ref, new OvfCreateImportSpecParams
            {
                EntityName = vm_name,
                HostSystem = host?.Ref,
                NetworkMapping = mappings,
                DiskProvisioning = "thin",
            }, cancellationToken);
            if (spec.Errors.Count > 0 || spec.ImportSpec is null)
            {
                throw ToolException.InvalidArgument(nameof(ovf_path), $"vSphere cannot deploy {location.Display}: " +
                    string.Join("; ", spec.Errors.Select(error => error.Message).DefaultIfEmpty("it made no import spec of the descriptor")) + ".");
            }
            // The files the import needs are checked before any VM exists: their paths, and for a local .ovf that they exist.
            var uploads = spec.FileItems.Select(item => (Item: item, Href: OvfDescriptor.CheckedHref(item.Path, nameof(ovf_path)))).ToArray();
            if (!location.IsOva)
            {
                foreach (var (_, href) in uploads)
                {
                    _ = location.Sibling(href);
                }
            }

            await using var lease = await NfcLease.AcquireAsync(client,
                await client.ImportVAppAsync(placement.Target.RootPool, spec.ImportSpec, placement.Target.VmFolder, host?.Ref, cancellationToken),
                cancellationToken: cancellationToken);
            IReadOnlyList<UploadedFile> uploaded;
            try
            {
                uploaded = await UploadAsync(package, lease, uploads, progress, vm_name, cancellationToken);
                await lease.CompleteAsync(cancellationToken);
            }
            catch (Exception error)
            {
                await AbandonImportAsync(client, lease, error);
                throw;
            }
            var vm = lease.Info.Entity ?? throw new VSphereException("The import lease names no VM.");

            if (power_on)
            {
                await client.PowerOnVmAsync(vm, progress: progress.ForVSphereTask("Powering on"), cancellationToken: cancellationToken);
            }
            return await ReadBackAsync(client, vm, placement.Datastore.Name, uploaded, spec.Warnings, cancellationToken);
        }
        catch (OperationCanceledException) when (limit.Expired)
        {
            throw limit.Exceeded("deploy_ovf", "the import was aborted and no VM is left behind");
        }
    }

    /// <summary>Streams each file the import expects, in package order, to the lease's device URL for it.</summary>
    private async Task<IReadOnlyList<UploadedFile>> UploadAsync(OvfPackage package, NfcLease lease, IReadOnlyList<(OvfFileItem Item, string Href)> uploads,
        IProgress<ProgressNotificationValue> progress, string vmName, CancellationToken cancellationToken)
    {
        var devices = lease.Info.DeviceUrls.Where(device => device.ImportKey is not null).ToDictionary(device => device.ImportKey!, StringComparer.Ordinal);
        var byHref = uploads.ToDictionary(upload => upload.Href, upload => upload.Item, StringComparer.Ordinal);
        var tally = new TransferTally(progress, $"Deploying {vmName}", uploads.Sum(upload => upload.Item.Size ?? 0) is > 0 and var total ? total : null, lease);
        var done = new List<UploadedFile>();
        await foreach (var file in package.ReadFilesAsync(byHref.Keys, cancellationToken))
        {
            var item = byHref[file.Href];
            var device = devices.GetValueOrDefault(item.DeviceId)
                ?? throw new VSphereException($"The import lease has no device URL for {file.Href} ({item.DeviceId}).");
            await session.Client.UploadNfcDeviceAsync(device, file.Content, file.Length, tally.NextFile(), $"{file.Href} of {package.Location.Display}",
                cancellationToken);
            tally.Finished(file.Length);
            done.Add(new UploadedFile(file.Href, file.Length));
        }
        var missing = byHref.Keys.Except(done.Select(file => file.File), StringComparer.Ordinal).ToArray();
        return missing.Length == 0
            ? done
            : throw ToolException.InvalidArgument("ovf_path", $"{package.Location.Display} does not contain {string.Join(", ", missing)}, " +
                "which its descriptor references.");
    }

    /// <summary>
    /// Aborts the lease, which makes vSphere remove the VM being imported, and makes sure it is gone (best effort: the
    /// original error is what the caller needs to see).
    /// </summary>
    private static async Task AbandonImportAsync(VSphereClient client, NfcLease lease, Exception error)
    {
        await lease.AbortAsync(error.Message);
        if (lease.Info.Entity is not { } vm)
        {
            return;
        }
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            if ((await client.Properties.RetrieveAsync([vm], ["name"], timeout.Token)).Count > 0)
            {
                await client.DestroyAsync(vm, cancellationToken: timeout.Token);
            }
        }
        catch (Exception cleanup) when (cleanup is VSphereException or OperationCanceledException)
        {
            // Already removed by the abort (ManagedObjectNotFound), or vCenter is unreachable and will time the lease out.
        }
    }

    private static async Task<DeployedVm> ReadBackAsync(VSphereClient client, ManagedObjectReference vm, string datastore,
        IReadOnlyList<UploadedFile> uploaded, IReadOnlyList<OvfIssue> warnings, CancellationToken cancellationToken)
    {
        var content = await client.Properties.RetrieveAsync(vm,
            ["name", "runtime.powerState", "runtime.host", "config.hardware.numCPU", "config.hardware.memoryMB", "config.hardware.device", "network"],
            cancellationToken);
        var host = content.GetReference("runtime.host");
        var names = await client.Properties.ReadNamesAsync(content.GetReferences("network").Append(host), cancellationToken);
        var disks = VirtualDevice.ListFrom(content["config.hardware.device"]).OfType<VirtualDisk>()
            .Select(disk => new DeployedDisk(disk.DeviceInfo?.Label, (disk.Backing as VirtualDeviceFileBackingInfo)?.FileName,
                Math.Round((disk.CapacityInBytes ?? disk.CapacityInKB * 1024) / 1073741824.0, 3)))
            .ToArray();
        return new DeployedVm(
            content.GetString("name") ?? vm.Value,
            content.GetString("runtime.powerState") ?? "unknown",
            host is not null && names.TryGetValue(host, out var hostName) ? hostName : "",
            datastore,
            content.GetInt32("config.hardware.numCPU"),
            content.GetInt64("config.hardware.memoryMB"),
            disks,
            content.GetReferences("network").Select(network => names.GetValueOrDefault(network) ?? network.Value).Order(StringComparer.Ordinal).ToArray(),
            uploaded,
            uploaded.Sum(file => file.Bytes),
            warnings.Select(warning => warning.Message).ToArray());
    }

    private static void RequireVmName(string vmName)
    {
        if (string.IsNullOrWhiteSpace(vmName) || vmName.Length > MaxVmNameLength || vmName.Contains('/', StringComparison.Ordinal))
        {
            throw ToolException.InvalidArgument("vm_name", $"vm_name must be 1 to {MaxVmNameLength} characters without '/' (which separates inventory paths).");
        }
    }

    /// <summary>Compressed or chunked package files would need unpacking before upload, which this server does not do.</summary>
    private static void RequirePlainFiles(OvfDescriptor descriptor, PackageLocation location)
    {
        if (descriptor.Files.FirstOrDefault(file => file.Compression is { Length: > 0 } and not "identity" || file.ChunkSize is not null) is { } packed)
        {
            throw ToolException.NotSupported($"{location.Display} holds '{packed.Href}' {(packed.ChunkSize is null ? $"compressed ({packed.Compression})" : "in chunks")}, " +
                "which deploy_ovf does not unpack. Repack it without compression or chunking (ovftool --compress=0 or tar of the plain files).");
        }
    }
}

/// <summary>A file uploaded to the new VM.</summary>
public sealed record UploadedFile(string File, long Bytes);

/// <summary>A disk of the deployed VM.</summary>
public sealed record DeployedDisk(string? Label, string? File, double CapacityGb);

/// <summary>The result of deploy_ovf, read back from vSphere.</summary>
public sealed record DeployedVm(
    string Name,
    string PowerState,
    string Host,
    string Datastore,
    int? Cpu,
    long? MemoryMb,
    IReadOnlyList<DeployedDisk> Disks,
    IReadOnlyList<string> Networks,
    IReadOnlyList<UploadedFile> Files,
    long BytesUploaded,
    IReadOnlyList<string> Warnings);
