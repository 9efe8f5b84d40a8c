using McVSphere.VSphere.Tasks;

namespace McVSphere.VSphere.Vim;

/// <summary>Typed calls of VirtualMachine.CreateScreenshot_Task.</summary>
public static class VirtualMachineScreenshotMethods
{
    /// <summary>
    /// Takes a screenshot of the VM's console (CreateScreenshot_Task): vSphere writes a PNG into the VM's folder on its
    /// datastore and returns its datastore path, e.g. <c>[LocalDS_0] web-01/web-01-1.png</c>.
    /// </summary>
    /// <exception cref="VimFaultException">InvalidPowerState: the VM is not powered on.</exception>
    public static async Task<DatastorePath> CreateScreenshotAsync(this VSphereClient client, ManagedObjectReference vm,
        IProgress<VSphereTaskProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var result = await client.InvokeTaskAsync("CreateScreenshot_Task", vm, null, progress, cancellationToken: cancellationToken).ConfigureAwait(false);
        var text = result?.AsString();
        return DatastorePath.TryParse(text, out var path)
            ? path
            : throw new VSphereException($"CreateScreenshot_Task returned '{text}', which is not a datastore path.");
    }
}
