using McVSphere.Sdk.Errors;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Vim;

namespace McVSphere.Sdk.Session;

/// <summary>A VM or template a tool named, with the properties the tool asked for.</summary>
/// <param name="Inventory">The VM as the lookup found it: reference, name and inventory path.</param>
/// <param name="Content">The properties read with it; empty when none were asked for.</param>
public sealed record FoundVm(InventoryObject Inventory, ObjectContent Content);

/// <summary>
/// The one way a tool finds the VM or template it was given, for every plugin: the client's lookup (exact name, unique
/// case-insensitive name, inventory path or its end; closest names when none matches, paths when several do), then
/// one read of exactly the properties the tool needs, nothing more.
/// </summary>
public static class VmFinder
{
    /// <summary>Finds a VM (or template) by name or inventory path and reads <paramref name="paths"/> of it.</summary>
    /// <param name="client">The vSphere client.</param>
    /// <param name="kind"><see cref="VSphereObjectKind.VirtualMachine"/> (templates too) or <see cref="VSphereObjectKind.Template"/> (templates only).</param>
    /// <param name="name">The tool's argument value.</param>
    /// <param name="argument">The tool argument that named it, for errors.</param>
    /// <param name="paths">The properties the tool needs; none for the reference, name and path only.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="ToolException">The name is blank.</exception>
    /// <exception cref="VSphereObjectNotFoundException">No VM has that name; the closest names are listed.</exception>
    /// <exception cref="VSphereAmbiguousNameException">Several have that name; their paths are listed.</exception>
    /// <remarks>A VM the inventory index names but vCenter no longer has is looked up again in vCenter, once.</remarks>
    public static async Task<FoundVm> FindAsync(VSphereClient client, VSphereObjectKind kind, string? name, string argument, IReadOnlyList<string> paths,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(paths);
        if (string.IsNullOrWhiteSpace(name))
        {
            throw ToolException.InvalidArgument(argument, $"{argument} is required: give the name or inventory path of a {kind.DisplayName()}.");
        }
        var vm = await client.Lookup.FindAsync(kind, name, cancellationToken).ConfigureAwait(false);
        try
        {
            var content = await ReadAsync(client, vm, paths, cancellationToken).ConfigureAwait(false);
            if (content is null)
            {
                // The index named a VM renamed a moment ago elsewhere: that name may now be another VM's, or no one's.
                vm = await client.Lookup.FindInVCenterAsync(kind, name, cancellationToken).ConfigureAwait(false);
                content = await ReadAsync(client, vm, paths, cancellationToken).ConfigureAwait(false);
            }
            return new FoundVm(vm, content ?? throw new VSphereObjectNotFoundException(kind, name, [], 0));
        }
        catch (VimFaultException fault) when (fault.FaultType == VimFaultTypes.ManagedObjectNotFound && client.Lookup.Index is not null)
        {
            // The index named a VM deleted a moment ago (or replaced under the same name): ask vCenter itself, once.
            vm = await client.Lookup.FindInVCenterAsync(kind, name, cancellationToken).ConfigureAwait(false);
            return new FoundVm(vm, await ReadAsync(client, vm, paths, cancellationToken).ConfigureAwait(false)
                ?? throw new VSphereObjectNotFoundException(kind, name, [], 0));
        }
    }

    /// <summary>The VM's <paramref name="paths"/>, read with its name; null when its name is no longer the one it was found by.</summary>
    private static async Task<ObjectContent?> ReadAsync(VSphereClient client, InventoryObject vm, IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        if (paths.Count == 0)
        {
            return new ObjectContent(vm.Ref, new Dictionary<string, VimValue>());
        }
        var read = paths.Contains("name") ? paths : [.. paths, "name"];
        var content = await client.Properties.RetrieveAsync(vm.Ref, read, cancellationToken).ConfigureAwait(false);
        return string.Equals(content.GetString("name"), vm.Name, StringComparison.Ordinal) ? content : null;
    }
}
