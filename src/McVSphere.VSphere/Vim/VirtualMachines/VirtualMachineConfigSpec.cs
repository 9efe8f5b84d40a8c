using McVSphere.VSphere.Soap;

namespace McVSphere.VSphere.Vim;

/// <summary>
/// Changes to a VM's configuration (<c>VirtualMachineConfigSpec</c>), for ReconfigVM_Task, CreateVM_Task and clones.
/// Only the fields that are set are sent; everything else stays as it is.
/// </summary>
public sealed record VirtualMachineConfigSpec : VimDataObject
{
    /// <summary>Fails the change if the configuration changed since this <c>config.changeVersion</c> was read.</summary>
    public string? ChangeVersion { get; init; }

    /// <summary>The VM's name.</summary>
    public string? Name { get; init; }

    /// <summary>The virtual hardware version, e.g. <c>vmx-13</c> (creation only).</summary>
    public string? Version { get; init; }

    /// <summary>The BIOS UUID.</summary>
    public string? Uuid { get; init; }

    /// <summary>The vCenter instance UUID.</summary>
    public string? InstanceUuid { get; init; }

    /// <summary>The guest OS id, e.g. <c>otherGuest64</c>, <c>ubuntu64Guest</c>.</summary>
    public string? GuestId { get; init; }

    /// <summary>Free-text notes.</summary>
    public string? Annotation { get; init; }

    /// <summary>Where the VM's files live (needed to create a VM: <c>VmPathName = "[LocalDS_0]"</c>).</summary>
    public VirtualMachineFileInfo? Files { get; init; }

    /// <summary>Virtual CPUs.</summary>
    public int? NumCPUs { get; init; }

    /// <summary>Cores per virtual socket.</summary>
    public int? NumCoresPerSocket { get; init; }

    /// <summary>Memory in MB.</summary>
    public long? MemoryMB { get; init; }

    /// <summary>Allow adding memory while powered on.</summary>
    public bool? MemoryHotAddEnabled { get; init; }

    /// <summary>Allow adding CPUs while powered on.</summary>
    public bool? CpuHotAddEnabled { get; init; }

    /// <summary>Allow removing CPUs while powered on.</summary>
    public bool? CpuHotRemoveEnabled { get; init; }

    /// <summary>Devices to add, edit or remove.</summary>
    public IReadOnlyList<VirtualDeviceConfigSpec>? DeviceChange { get; init; }

    /// <summary>Advanced settings (<c>extraConfig</c>); an empty value removes a key.</summary>
    public IReadOnlyList<OptionValue>? ExtraConfig { get; init; }

    /// <summary>"bios" or "efi".</summary>
    public string? Firmware { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("changeVersion", ChangeVersion);
        writer.Write("name", Name);
        writer.Write("version", Version);
        writer.Write("uuid", Uuid);
        writer.Write("instanceUuid", InstanceUuid);
        writer.Write("guestId", GuestId);
        writer.Write("annotation", Annotation);
        writer.Write("files", Files);
        writer.Write("numCPUs", NumCPUs);
        writer.Write("numCoresPerSocket", NumCoresPerSocket);
        writer.Write("memoryMB", MemoryMB);
        writer.Write("memoryHotAddEnabled", MemoryHotAddEnabled);
        writer.Write("cpuHotAddEnabled", CpuHotAddEnabled);
        writer.Write("cpuHotRemoveEnabled", CpuHotRemoveEnabled);
        writer.Write("deviceChange", DeviceChange);
        writer.Write("extraConfig", ExtraConfig);
        writer.Write("firmware", Firmware);
    }
}

/// <summary>Where a VM's files live (<c>VirtualMachineFileInfo</c>).</summary>
public sealed record VirtualMachineFileInfo : VimDataObject
{
    /// <summary>The .vmx path, or just a datastore (<c>[LocalDS_0]</c>) to let vSphere choose.</summary>
    public string? VmPathName { get; init; }

    /// <summary>Where snapshots go.</summary>
    public string? SnapshotDirectory { get; init; }

    /// <summary>Where the suspend file goes.</summary>
    public string? SuspendDirectory { get; init; }

    /// <summary>Where logs go.</summary>
    public string? LogDirectory { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("vmPathName", VmPathName);
        writer.Write("snapshotDirectory", SnapshotDirectory);
        writer.Write("suspendDirectory", SuspendDirectory);
        writer.Write("logDirectory", LogDirectory);
    }
}

/// <summary>A key and string value of an advanced setting (<c>OptionValue</c>).</summary>
/// <param name="Key">The key, e.g. <c>guestinfo.hostname</c>.</param>
/// <param name="Value">The value; empty removes the key from <c>extraConfig</c>.</param>
public sealed record OptionValue(string Key, string Value) : VimDataObject
{
    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("key", Key);
        writer.WriteAny("value", new VimPrimitive("string", Value));
    }
}
