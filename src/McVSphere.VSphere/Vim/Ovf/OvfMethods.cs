namespace McVSphere.VSphere.Vim;

/// <summary>
/// Typed calls for OVF import and export: OvfManager.CreateImportSpec and CreateDescriptor, ResourcePool.ImportVApp
/// and VirtualMachine.ExportVm. The leases they return are used through <see cref="NfcLease"/>.
/// </summary>
public static class OvfMethods
{
    /// <summary>
    /// Maps an OVF descriptor onto the inventory (OvfManager.CreateImportSpec): the VM's configuration, its disks on
    /// <paramref name="datastore"/>, its networks as <paramref name="parameters"/> map them.
    /// </summary>
    /// <exception cref="VimFaultException">The descriptor cannot be read (InvalidArgument), or an object does not exist.</exception>
    public static async Task<OvfCreateImportSpecResult> CreateImportSpecAsync(this VSphereClient client, string ovfDescriptor,
        ManagedObjectReference resourcePool, ManagedObjectReference datastore, OvfCreateImportSpecParams parameters,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(ovfDescriptor);
        var result = await client.InvokeAsync("CreateImportSpec", await OvfManagerAsync(client, cancellationToken).ConfigureAwait(false),
            [
                new VimArgument("ovfDescriptor", ovfDescriptor), new VimArgument("resourcePool", resourcePool),
                new VimArgument("datastore", datastore), new VimArgument("cisp", parameters),
            ], cancellationToken).ConfigureAwait(false);
        return OvfCreateImportSpecResult.From(result?.AsObject() ?? throw new VSphereException("CreateImportSpec returned no result."));
    }

    /// <summary>
    /// Creates the VM of an import spec in <paramref name="resourcePool"/> (ResourcePool.ImportVApp) and returns the
    /// lease through which its disks are uploaded; see <see cref="NfcLease"/>.
    /// </summary>
    /// <param name="client">The client.</param>
    /// <param name="resourcePool">The pool (or vApp) of the new VM.</param>
    /// <param name="importSpec">The <see cref="OvfCreateImportSpecResult.ImportSpec"/>.</param>
    /// <param name="folder">The VM folder (default: the datacenter's).</param>
    /// <param name="host">The host to run on (optional in a DRS cluster and on a standalone host).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public static async Task<ManagedObjectReference> ImportVAppAsync(this VSphereClient client, ManagedObjectReference resourcePool, VimObject importSpec,
        ManagedObjectReference? folder = null, ManagedObjectReference? host = null, CancellationToken cancellationToken = default) =>
        VirtualMachineMethods.RequireReference(await client.InvokeAsync("ImportVApp", resourcePool,
            [new VimArgument("spec", importSpec), new VimArgument("folder", folder), new VimArgument("host", host)], cancellationToken)
            .ConfigureAwait(false), "ImportVApp");

    /// <summary>
    /// Opens a powered-off (or suspended) VM for export (VirtualMachine.ExportVm) and returns the lease through which
    /// its disks are downloaded; see <see cref="NfcLease"/>.
    /// </summary>
    /// <exception cref="VimFaultException">InvalidPowerState: the VM is powered on.</exception>
    public static async Task<ManagedObjectReference> ExportVmAsync(this VSphereClient client, ManagedObjectReference vm,
        CancellationToken cancellationToken = default) =>
        VirtualMachineMethods.RequireReference(await client.InvokeAsync("ExportVm", vm, null, cancellationToken).ConfigureAwait(false), "ExportVm");

    /// <summary>
    /// Writes the OVF descriptor of a VM or vApp (OvfManager.CreateDescriptor), referencing the files exported through
    /// its lease (<see cref="OvfCreateDescriptorParams.OvfFiles"/>).
    /// </summary>
    public static async Task<OvfCreateDescriptorResult> CreateDescriptorAsync(this VSphereClient client, ManagedObjectReference entity,
        OvfCreateDescriptorParams parameters, CancellationToken cancellationToken = default)
    {
        var result = await client.InvokeAsync("CreateDescriptor", await OvfManagerAsync(client, cancellationToken).ConfigureAwait(false),
            [new VimArgument("obj", entity), new VimArgument("cdp", parameters)], cancellationToken).ConfigureAwait(false);
        return OvfCreateDescriptorResult.From(result?.AsObject() ?? throw new VSphereException("CreateDescriptor returned no result."));
    }

    private static async Task<ManagedObjectReference> OvfManagerAsync(VSphereClient client, CancellationToken cancellationToken) =>
        (await client.ConnectAsync(cancellationToken).ConfigureAwait(false)).OvfManager
        ?? throw VimFaults.NotSupported("OVF import and export", "OvfManager");
}
