using McVSphere.VSphere;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.VmLifecycle;

/// <summary>Reads that confirm what a change did.</summary>
internal static class InventoryChecks
{
    /// <summary>Whether vSphere still knows the object (a deletion is confirmed by its absence).</summary>
    public static async Task<bool> ExistsAsync(VSphereClient client, ManagedObjectReference entity, CancellationToken cancellationToken)
    {
        try
        {
            await client.Properties.RetrieveAsync(entity, ["name"], cancellationToken);
            return true;
        }
        catch (VimFaultException fault) when (fault.FaultType == VimFaultTypes.ManagedObjectNotFound)
        {
            return false;
        }
    }
}
