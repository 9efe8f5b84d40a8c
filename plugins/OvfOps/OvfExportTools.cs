using System.ComponentModel;
using System.Security.Cryptography;
using System.Text;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Progress;
using McVSphere.Sdk.Safety;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Transfers;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.OvfOps;

[McpServerToolType]
public sealed class OvfExportTools(IVSphereSession session, LocalFileRoot files)
{
    /// <summary>Room left in a ustar name for "-disk12.vmdk" after the package's stem.</summary>
    private const int MaxStemLength = OvaStream.MaxNameLength - 20;

    [McpServerTool(Name = "export_vm_ovf", UseStructuredContent = true), Description(
        "Exports a powered-off (or suspended) VM as an OVF package: every disk is downloaded through an export lease (VirtualMachine.ExportVm) " +
        "with progress, the OVF descriptor is written by vSphere (OvfManager.CreateDescriptor) for those files, and a manifest (.mf) with " +
        "their SHA-256. target_path is a folder, which receives <name>.ovf, <name>.mf and <name>-diskN.vmdk, or a path ending in .ova for " +
        "one archive (descriptor first). It is under the server's file root (MCVSPHERE_FILE_ROOT), or on datastore when that is given. " +
        "Existing files are not replaced. Returns vm, format (ovf|ova), target, files [{name, size_bytes, sha256}], bytes, warnings.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("export VM '{vm_name}' with its disks to {target_path} (datastore: {datastore})")]
    public async Task<ExportedPackage> ExportVmOvf(
        [Description("The VM to export; it must be powered off or suspended.")] string vm_name,
        [Description("A folder, or a path ending in .ova, under the server's file root (or on datastore).")] string target_path,
        IProgress<ProgressNotificationValue> progress,
        [Description("Write to this datastore instead of the server's disk; target_path is then relative to its root.")] string? datastore = null,
        [Description(OvfTimeLimit.Description)] int? timeout_s = null,
        CancellationToken cancellationToken = default)
    {
        using var limit = OvfTimeLimit.Start(timeout_s, cancellationToken);
        cancellationToken = limit.Token;
        try
        {
            var client = session.Client;
            var vm = await client.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, vm_name, cancellationToken);
            var content = await client.Properties.RetrieveAsync(vm.Ref, ["runtime.powerState", "config.hardware.device"], cancellationToken);
            if (content.GetString("runtime.powerState") == "poweredOn")
            {
                throw ToolException.Refused($"'{vm.Name}' is powered on, and vSphere exports only powered-off or suspended VMs: shut it down " +
                    "(shutdown_guest, or power_off) first.", nameof(vm_name));
            }
            var (target, ovaName) = await ResolveTargetAsync(client, target_path, datastore, cancellationToken);
            var package = new PackageNames(FileStem(ovaName is null ? vm.Name : Path.GetFileNameWithoutExtension(ovaName)), ovaName);
            var diskCount = VirtualDevice.ListFrom(content["config.hardware.device"]).OfType<VirtualDisk>().Count();
            foreach (var name in Enumerable.Range(0, diskCount).Select(package.Disk).Concat(package.Final))
            {
                if (await target.ExistsAsync(name, cancellationToken))
                {
                    throw ToolException.Refused($"{target.Display(name)} already exists; choose another target_path or delete it first.", nameof(target_path));
                }
            }

            await using var lease = await NfcLease.AcquireAsync(client, await client.ExportVmAsync(vm.Ref, cancellationToken), cancellationToken: cancellationToken);
            var disks = lease.Info.DeviceUrls.Where(device => device.Disk).ToArray();
            var written = new List<string>();
            try
            {
                var tally = new TransferTally(progress, $"Exporting {vm.Name}",
                    disks.All(disk => disk.FileSize is not null) ? disks.Sum(disk => disk.FileSize!.Value) : null, lease);
                var staged = new List<ExportedFile>();
                foreach (var (disk, index) in disks.Select((disk, index) => (disk, index)))
                {
                    written.Add(package.Disk(index));
                    staged.Add(await DownloadDiskAsync(client, disk, target, package.Disk(index), tally, cancellationToken));
                    tally.Finished(staged[^1].SizeBytes);
                }
                var descriptor = await client.CreateDescriptorAsync(vm.Ref, new OvfCreateDescriptorParams
                {
                    Name = vm.Name,
                    OvfFiles = disks.Select((disk, index) => new OvfFile(disk.Key, package.DiskFile(index), staged[index].SizeBytes)).ToArray(),
                }, cancellationToken);
                if (descriptor.Errors.Count > 0)
                {
                    throw new VSphereException($"vSphere could not describe '{vm.Name}' as OVF: {string.Join("; ", descriptor.Errors.Select(error => error.Message))}.");
                }
                await lease.CompleteAsync(cancellationToken);

                var ovf = Encoding.UTF8.GetBytes(descriptor.OvfDescriptor);
                var ovfFile = new ExportedFile(package.Ovf, ovf.Length, Sha256(ovf));
                var diskFiles = staged.Select((file, index) => file with { Name = package.DiskFile(index) }).ToArray();
                var manifest = Encoding.UTF8.GetBytes(string.Concat(diskFiles.Prepend(ovfFile).Select(file => $"SHA256({file.Name})= {file.Sha256}\n")));
                written.AddRange(package.Final);
                if (ovaName is null)
                {
                    await target.WriteAsync(package.Ovf, new MemoryStream(ovf), ovf.Length, progress: null, cancellationToken);
                    await target.WriteAsync(package.Manifest, new MemoryStream(manifest), manifest.Length, progress: null, cancellationToken);
                }
                else
                {
                    await PackOvaAsync(target, package, ovf, manifest, staged, progress, cancellationToken);
                }
                return new ExportedPackage(vm.Name, ovaName is null ? "ovf" : "ova", target.Display(ovaName ?? package.Ovf),
                    [ovfFile, new ExportedFile(package.Manifest, manifest.Length, Sha256(manifest)), .. diskFiles],
                    await StoredBytesAsync(target, ovaName is null ? [.. package.Final, .. diskFiles.Select(file => file.Name)] : package.Final, cancellationToken),
                    descriptor.Warnings.Select(warning => warning.Message).ToArray());
            }
            catch (Exception error)
            {
                await lease.AbortAsync(error.Message);
                foreach (var name in written)
                {
                    await target.DeleteQuietlyAsync(name);
                }
                throw;
            }
        }
        catch (OperationCanceledException) when (limit.Expired)
        {
            throw limit.Exceeded("export_vm_ovf", "the export was aborted and the files it had written removed");
        }
    }

    /// <summary>The size of the package's files as stored, read back.</summary>
    private static async Task<long> StoredBytesAsync(ExportTarget target, IEnumerable<string> names, CancellationToken cancellationToken)
    {
        var bytes = 0L;
        foreach (var name in names)
        {
            bytes += await target.SizeAsync(name, cancellationToken) ?? throw new VSphereException($"{target.Display(name)} was written but is not there.");
        }
        return bytes;
    }

    /// <summary>Streams one disk from the lease into the target, hashing it on the way.</summary>
    private static async Task<ExportedFile> DownloadDiskAsync(VSphereClient client, HttpNfcLeaseDeviceUrl disk, ExportTarget target, string name,
        TransferTally tally, CancellationToken cancellationToken)
    {
        await using var download = await client.OpenNfcDeviceAsync(disk, tally.NextFile(), cancellationToken);
        using var sha = SHA256.Create();
        await using var hashing = new CryptoStream(download.Content, sha, CryptoStreamMode.Read, leaveOpen: true);
        await target.WriteAsync(name, hashing, download.Length, progress: null, cancellationToken);
        var size = await target.SizeAsync(name, cancellationToken) ?? 0;
        return new ExportedFile(name, size, Convert.ToHexStringLower(sha.Hash!));
    }

    /// <summary>Writes the OVA (descriptor, manifest, disks), reading the disks back from where they were staged, then removes them.</summary>
    private static async Task PackOvaAsync(ExportTarget target, PackageNames package, byte[] ovf, byte[] manifest, IReadOnlyList<ExportedFile> staged,
        IProgress<ProgressNotificationValue> progress, CancellationToken cancellationToken)
    {
        var entries = new List<OvaEntry>
        {
            new(package.Ovf, ovf.Length, _ => Task.FromResult(new SourceFile(new MemoryStream(ovf), ovf.Length))),
            new(package.Manifest, manifest.Length, _ => Task.FromResult(new SourceFile(new MemoryStream(manifest), manifest.Length))),
        };
        entries.AddRange(staged.Select((disk, index) => new OvaEntry(package.DiskFile(index), disk.SizeBytes, token => target.OpenAsync(disk.Name, token))));
        await using (var ova = new OvaStream(entries))
        {
            await target.WriteAsync(package.Ova!, ova, ova.Length, progress.ForTransfer($"Packing {package.Ova}"), cancellationToken);
        }
        foreach (var disk in staged)
        {
            await target.DeleteQuietlyAsync(disk.Name);
        }
    }

    /// <summary>The folder written into, and the OVA's file name when target_path ends in .ova.</summary>
    private async Task<(ExportTarget Target, string? OvaName)> ResolveTargetAsync(VSphereClient client, string targetPath, string? datastore,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(targetPath))
        {
            throw ToolException.InvalidArgument("target_path", "target_path is required: a folder, or a path ending in .ova.");
        }
        var isOva = targetPath.Trim().EndsWith(".ova", StringComparison.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(datastore))
        {
            if (!isOva)
            {
                return (ExportTarget.Local(files.DirectoryToWrite(targetPath, "target_path")), null);
            }
            var ova = files.FileToWrite(targetPath, "target_path", IfExists.Refuse);
            return (ExportTarget.Local(Path.GetDirectoryName(ova)!), Path.GetFileName(ova));
        }
        var location = await client.LocateDatastoreAsync(datastore, cancellationToken);
        var relative = DatastoreFiles.RelativePath(targetPath, location, "target_path");
        var slash = relative.LastIndexOf('/');
        return isOva
            ? (await ExportTarget.OnDatastoreAsync(client, location, slash < 0 ? "" : relative[..slash], cancellationToken), relative[(slash + 1)..])
            : (await ExportTarget.OnDatastoreAsync(client, location, relative, cancellationToken), null);
    }

    /// <summary>A name usable for files everywhere: letters, digits, '.', '-' and '_', short enough for a ustar header.</summary>
    private static string FileStem(string name)
    {
        var safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray()).Trim('.');
        return safe.Length == 0 ? "vm" : safe[..Math.Min(safe.Length, MaxStemLength)];
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The names of a package's files: the final ones, and where disks are staged for an OVA.</summary>
    private sealed record PackageNames(string Stem, string? Ova)
    {
        public string Ovf => $"{Stem}.ovf";

        public string Manifest => $"{Stem}.mf";

        /// <summary>A disk's name in the package.</summary>
        public string DiskFile(int index) => $"{Stem}-disk{index + 1}.vmdk";

        /// <summary>Where a disk is written: its final name, or for an OVA a staging name beside it, removed once packed.</summary>
        public string Disk(int index) => Ova is null ? DiskFile(index) : $".{Ova}.{DiskFile(index)}.partial";

        /// <summary>The files written after the disks.</summary>
        public IReadOnlyList<string> Final => Ova is null ? [Ovf, Manifest] : [Ova];
    }
}

/// <summary>A file of an exported package.</summary>
public sealed record ExportedFile(string Name, long SizeBytes, string Sha256);

/// <summary>The result of export_vm_ovf.</summary>
public sealed record ExportedPackage(string Vm, string Format, string Target, IReadOnlyList<ExportedFile> Files, long Bytes, IReadOnlyList<string> Warnings);
