using McVSphere.VSphere;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.VmLifecycle;

/// <summary>A VM as vSphere reports it after a change: identity, power, hardware and placement, by name.</summary>
/// <param name="Name">Its name.</param>
/// <param name="PowerState"><c>poweredOn</c>, <c>poweredOff</c> or <c>suspended</c>.</param>
/// <param name="Template">Whether it is a template.</param>
/// <param name="Cpu">Virtual CPUs.</param>
/// <param name="MemoryMb">Memory in MB.</param>
/// <param name="GuestId">The configured guest OS, e.g. <c>otherGuest64</c>.</param>
/// <param name="Annotation">Its notes.</param>
/// <param name="VmPathName">Its configuration file, e.g. <c>[LocalDS_0] web-01/web-01.vmx</c>.</param>
/// <param name="Host">The host it is registered on.</param>
/// <param name="ResourcePool">Its resource pool (none for a template).</param>
/// <param name="Folder">The folder it is in.</param>
/// <param name="Datastores">The datastores holding its files.</param>
/// <param name="Networks">The networks its adapters connect to.</param>
public sealed record VmSummary(
    string Name,
    string PowerState,
    bool Template,
    int? Cpu,
    int? MemoryMb,
    string? GuestId,
    string? Annotation,
    string? VmPathName,
    string? Host,
    string? ResourcePool,
    string? Folder,
    IReadOnlyList<string> Datastores,
    IReadOnlyList<string> Networks)
{
    private static readonly string[] Paths =
    [
        "name", "runtime.powerState", "config.template", "config.hardware.numCPU", "config.hardware.memoryMB", "config.guestId",
        "config.annotation", "config.files.vmPathName", "runtime.host", "resourcePool", "parent", "datastore", "network",
    ];

    /// <summary>Reads a VM's summary: its properties, then the names of the objects they refer to (two reads).</summary>
    public static async Task<VmSummary> ReadAsync(VSphereClient client, ManagedObjectReference vm, CancellationToken cancellationToken)
    {
        var content = await client.Properties.RetrieveAsync(vm, Paths, cancellationToken);
        var datastores = content.GetReferences("datastore");
        var networks = content.GetReferences("network");
        var related = new[] { content.GetReference("runtime.host"), content.GetReference("resourcePool"), content.GetReference("parent") }
            .OfType<ManagedObjectReference>()
            .Concat(datastores)
            .Concat(networks);
        var names = await InventoryReads.NamesAsync(client, related, cancellationToken);
        string? NameOf(ManagedObjectReference? reference) => reference is null ? null : names.GetValueOrDefault(reference, reference.Value);

        return new VmSummary(
            content.GetString("name") ?? vm.Value,
            content.GetString("runtime.powerState") ?? "unknown",
            content.GetBoolean("config.template") ?? false,
            content.GetInt32("config.hardware.numCPU"),
            content.GetInt32("config.hardware.memoryMB"),
            content.GetString("config.guestId"),
            content.GetString("config.annotation"),
            content.GetString("config.files.vmPathName"),
            NameOf(content.GetReference("runtime.host")),
            NameOf(content.GetReference("resourcePool")),
            NameOf(content.GetReference("parent")),
            datastores.Select(reference => NameOf(reference)!).ToArray(),
            networks.Select(reference => NameOf(reference)!).ToArray());
    }
}
