using McVSphere.VSphere.Soap;

namespace McVSphere.VSphere.Vim;

/// <summary>What to do with a device (<c>VirtualDeviceConfigSpecOperation</c>).</summary>
public enum VirtualDeviceConfigSpecOperation
{
    /// <summary>Add a new device.</summary>
    Add,
    /// <summary>Remove a device.</summary>
    Remove,
    /// <summary>Change a device (send it as read, with the changes).</summary>
    Edit,
}

/// <summary>What to do with a device's file (<c>VirtualDeviceConfigSpecFileOperation</c>).</summary>
public enum VirtualDeviceConfigSpecFileOperation
{
    /// <summary>Create the file (a new disk).</summary>
    Create,
    /// <summary>Delete the file (a removed disk).</summary>
    Destroy,
    /// <summary>Replace the file.</summary>
    Replace,
}

/// <summary>One device change of a reconfiguration (<c>VirtualDeviceConfigSpec</c>); build it with <see cref="Add"/>,
/// <see cref="Edit"/> or <see cref="Remove"/>.</summary>
public sealed record VirtualDeviceConfigSpec : VimDataObject
{
    /// <summary>The operation.</summary>
    public required VirtualDeviceConfigSpecOperation Operation { get; init; }

    /// <summary>The file operation, for disks.</summary>
    public VirtualDeviceConfigSpecFileOperation? FileOperation { get; init; }

    /// <summary>The device.</summary>
    public required VirtualDevice Device { get; init; }

    /// <summary>Adds a device; pass <see cref="VirtualDeviceConfigSpecFileOperation.Create"/> for a new disk.</summary>
    public static VirtualDeviceConfigSpec Add(VirtualDevice device, VirtualDeviceConfigSpecFileOperation? fileOperation = null) =>
        new() { Operation = VirtualDeviceConfigSpecOperation.Add, FileOperation = fileOperation, Device = device };

    /// <summary>Edits a device: pass the device as read, changed with <c>with</c>.</summary>
    public static VirtualDeviceConfigSpec Edit(VirtualDevice device) =>
        new() { Operation = VirtualDeviceConfigSpecOperation.Edit, Device = device };

    /// <summary>Removes a device; <paramref name="destroyFile"/> also deletes a disk's file.</summary>
    public static VirtualDeviceConfigSpec Remove(VirtualDevice device, bool destroyFile = false) => new()
    {
        Operation = VirtualDeviceConfigSpecOperation.Remove,
        FileOperation = destroyFile ? VirtualDeviceConfigSpecFileOperation.Destroy : null,
        Device = device,
    };

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.WriteEnum<VirtualDeviceConfigSpecOperation>("operation", Operation);
        writer.WriteEnum("fileOperation", FileOperation);
        writer.Write("device", Device);
    }
}
