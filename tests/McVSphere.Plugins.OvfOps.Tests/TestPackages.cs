using System.Collections.Concurrent;
using System.Diagnostics;
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;

namespace McVSphere.Plugins.OvfOps.Tests;

/// <summary>A disk of a test package: its file name and bytes.</summary>
public sealed record TestDisk(string File, byte[] Content);

/// <summary>
/// Small real OVF packages: an OVF 1.0 descriptor (2 CPUs, 256 MB, an LSI Logic controller, one disk per
/// <see cref="TestDisk"/>, one VMXNET3 adapter per network) and real disks (<see cref="Vmdk"/>).
/// </summary>
public static class TestPackages
{
    /// <summary>Bytes that differ per seed, so that a disk mixed up with another is caught.</summary>
    public static byte[] KnownBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>
    /// A real streamOptimized VMDK, the only disk format NFC carries, holding <see cref="KnownBytes"/> (the length rounded
    /// up to a sector): made by qemu-img (Debian's qemu-utils), an implementation independent of the test bed's.
    /// </summary>
    public static byte[] Vmdk(int length, int seed) => Vmdks.GetOrAdd((length, seed), key =>
    {
        var directory = Directory.CreateTempSubdirectory("mcvsphere-vmdk-");
        try
        {
            var raw = Path.Combine(directory.FullName, "disk.raw");
            var vmdk = Path.Combine(directory.FullName, "disk.vmdk");
            var bytes = KnownBytes(key.Length, key.Seed);
            Array.Resize(ref bytes, (key.Length + 511) / 512 * 512);
            File.WriteAllBytes(raw, bytes);
            using var qemuImg = Process.Start(new ProcessStartInfo("qemu-img", ["convert", "-f", "raw", "-O", "vmdk", "-o", "subformat=streamOptimized", raw, vmdk])
            {
                RedirectStandardError = true,
            }) ?? throw new InvalidOperationException("qemu-img did not start");
            var error = qemuImg.StandardError.ReadToEnd();
            qemuImg.WaitForExit();
            if (qemuImg.ExitCode != 0)
            {
                throw new InvalidOperationException($"qemu-img convert failed ({qemuImg.ExitCode}): {error}");
            }
            return File.ReadAllBytes(vmdk);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    });

    private static readonly ConcurrentDictionary<(int Length, int Seed), byte[]> Vmdks = new();

    /// <summary>An OVF 1.0 descriptor; <paramref name="extraConfig"/> becomes vmw:ExtraConfig entries, as exported appliances carry.</summary>
    public static string Descriptor(string systemName, IReadOnlyList<TestDisk> disks, IReadOnlyList<string> networks,
        IReadOnlyDictionary<string, string>? extraConfig = null)
    {
        var text = new StringBuilder();
        text.AppendLine("""<?xml version="1.0" encoding="UTF-8"?>""");
        text.AppendLine("""<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData" xmlns:vmw="http://www.vmware.com/schema/ovf">""");
        text.AppendLine("  <References>");
        for (var i = 0; i < disks.Count; i++)
        {
            text.AppendLine($"""    <File ovf:id="file{i + 1}" ovf:href="{disks[i].File}" ovf:size="{disks[i].Content.Length}"/>""");
        }
        text.AppendLine("  </References>");
        text.AppendLine("  <DiskSection><Info>Virtual disks</Info>");
        for (var i = 0; i < disks.Count; i++)
        {
            text.AppendLine($"""    <Disk ovf:diskId="vmdisk{i + 1}" ovf:fileRef="file{i + 1}" ovf:capacity="1" ovf:capacityAllocationUnits="byte * 2^30" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>""");
        }
        text.AppendLine("  </DiskSection>");
        text.AppendLine("  <NetworkSection><Info>Logical networks</Info>");
        foreach (var network in networks)
        {
            text.AppendLine($"""    <Network ovf:name="{network}"><Description>The {network} network</Description></Network>""");
        }
        text.AppendLine("  </NetworkSection>");
        text.AppendLine($"""  <VirtualSystem ovf:id="{systemName}"><Info>A virtual machine</Info><Name>{systemName}</Name>""");
        text.AppendLine("""    <OperatingSystemSection ovf:id="101" vmw:osType="otherLinux64Guest"><Info>Guest OS</Info></OperatingSystemSection>""");
        text.AppendLine("    <VirtualHardwareSection><Info>Virtual hardware</Info>");
        text.AppendLine($"""      <System><vssd:ElementName>Virtual Hardware Family</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemIdentifier>{systemName}</vssd:VirtualSystemIdentifier><vssd:VirtualSystemType>vmx-13</vssd:VirtualSystemType></System>""");
        text.AppendLine("""      <Item><rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits><rasd:ElementName>2 virtual CPUs</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>2</rasd:VirtualQuantity></Item>""");
        text.AppendLine("""      <Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:ElementName>256 MB of memory</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>256</rasd:VirtualQuantity></Item>""");
        text.AppendLine("""      <Item><rasd:Address>0</rasd:Address><rasd:ElementName>SCSI controller 0</rasd:ElementName><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceSubType>lsilogic</rasd:ResourceSubType><rasd:ResourceType>6</rasd:ResourceType></Item>""");
        var instance = 4;
        for (var i = 0; i < disks.Count; i++)
        {
            text.AppendLine($"""      <Item><rasd:AddressOnParent>{i}</rasd:AddressOnParent><rasd:ElementName>Hard disk {i + 1}</rasd:ElementName><rasd:HostResource>ovf:/disk/vmdisk{i + 1}</rasd:HostResource><rasd:InstanceID>{instance++}</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>""");
        }
        for (var i = 0; i < networks.Count; i++)
        {
            text.AppendLine($"""      <Item><rasd:AddressOnParent>{7 + i}</rasd:AddressOnParent><rasd:AutomaticAllocation>true</rasd:AutomaticAllocation><rasd:Connection>{networks[i]}</rasd:Connection><rasd:ElementName>Network adapter {i + 1}</rasd:ElementName><rasd:InstanceID>{instance++}</rasd:InstanceID><rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType><rasd:ResourceType>10</rasd:ResourceType></Item>""");
        }
        foreach (var (key, value) in extraConfig ?? new Dictionary<string, string>())
        {
            text.AppendLine($"""      <vmw:ExtraConfig ovf:required="false" vmw:key="{key}" vmw:value="{value}"/>""");
        }
        text.AppendLine("    </VirtualHardwareSection>");
        text.AppendLine("  </VirtualSystem>");
        text.AppendLine("</Envelope>");
        return text.ToString();
    }

    /// <summary>Writes &lt;name&gt;.ovf and its disks into <paramref name="directory"/>; returns the descriptor's path.</summary>
    public static string WriteOvf(string directory, string name, IReadOnlyList<TestDisk> disks, IReadOnlyList<string> networks,
        IReadOnlyDictionary<string, string>? extraConfig = null)
    {
        Directory.CreateDirectory(directory);
        var descriptor = Path.Combine(directory, name + ".ovf");
        File.WriteAllText(descriptor, Descriptor(name, disks, networks, extraConfig));
        foreach (var disk in disks)
        {
            File.WriteAllBytes(Path.Combine(directory, disk.File), disk.Content);
        }
        return descriptor;
    }

    /// <summary>An OVA (ustar, descriptor first, then a manifest and the disks) as bytes.</summary>
    public static byte[] Ova(string name, IReadOnlyList<TestDisk> disks, IReadOnlyList<string> networks)
    {
        var descriptor = Encoding.UTF8.GetBytes(Descriptor(name, disks, networks));
        var manifest = new StringBuilder($"SHA256({name}.ovf)= {Convert.ToHexStringLower(SHA256.HashData(descriptor))}\n");
        foreach (var disk in disks)
        {
            manifest.Append($"SHA256({disk.File})= {Convert.ToHexStringLower(SHA256.HashData(disk.Content))}\n");
        }
        var archive = new MemoryStream();
        using (var writer = new TarWriter(archive, TarEntryFormat.Ustar, leaveOpen: true))
        {
            void Add(string entryName, byte[] content) =>
                writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, entryName) { DataStream = new MemoryStream(content) });
            Add(name + ".ovf", descriptor);
            Add(name + ".mf", Encoding.UTF8.GetBytes(manifest.ToString()));
            foreach (var disk in disks)
            {
                Add(disk.File, disk.Content);
            }
        }
        return archive.ToArray();
    }
}
