namespace McVSphere.VSphere.Vim;

/// <summary>Typed calls of guest operations (GuestOperationsManager and its process manager).</summary>
public static class GuestMethods
{
    /// <summary>Starts a program in the guest (StartProgramInGuest) and returns its process id.</summary>
    /// <exception cref="VimFaultException">GuestOperationsUnavailable (no running Tools), InvalidGuestLogin...</exception>
    public static async Task<long> StartProgramInGuestAsync(this VSphereClient client, ManagedObjectReference vm, GuestAuthentication auth,
        GuestProgramSpec spec, CancellationToken cancellationToken = default)
    {
        var processManager = await GetGuestManagerAsync(client, "processManager", cancellationToken).ConfigureAwait(false);
        var pid = await client.InvokeAsync("StartProgramInGuest", processManager,
            [new VimArgument("vm", vm), new VimArgument("auth", auth), new VimArgument("spec", spec)], cancellationToken).ConfigureAwait(false);
        return pid?.AsInt64() ?? throw new VSphereException("StartProgramInGuest returned no process id.");
    }

    /// <summary>One of the GuestOperationsManager's managers: <c>processManager</c>, <c>fileManager</c>, <c>authManager</c>...</summary>
    public static async Task<ManagedObjectReference> GetGuestManagerAsync(this VSphereClient client, string manager, CancellationToken cancellationToken = default)
    {
        var serviceContent = await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var guestOperations = serviceContent.GuestOperationsManager ?? throw VimFaults.NotSupported("guest operations", "GuestOperationsManager");
        var content = await client.Properties.RetrieveAsync(guestOperations, [manager], cancellationToken).ConfigureAwait(false);
        return content.GetReference(manager) ?? throw VimFaults.NotSupported("guest operations", $"GuestOperationsManager.{manager}");
    }
}
