using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Vim;

namespace McVSphere.Plugins.GuestOps;

/// <summary>A VM found for a guest operation, with the credentials to use in its guest.</summary>
/// <param name="Vm">The VM as the lookup found it.</param>
/// <param name="Auth">The guest credentials (given or configured).</param>
/// <param name="Content">The properties of <see cref="GuestOperations.Paths"/>.</param>
public sealed record GuestVm(InventoryObject Vm, NamePasswordAuthentication Auth, ObjectContent Content)
{
    public ManagedObjectReference Ref => Vm.Ref;

    public string Name => Vm.Name;

    /// <summary>Whether the guest runs Windows (by what Tools report, else by the configured guest OS).</summary>
    public bool IsWindows => Content.GetString("guest.guestFamily") is { } family
        ? family == "windowsGuest"
        : Content.GetString("config.guestId")?.StartsWith("win", StringComparison.OrdinalIgnoreCase) == true;

    public string PowerState => Content.GetString("runtime.powerState") ?? "unknown";

    public string ToolsRunningStatus => Content.GetString("guest.toolsRunningStatus") ?? "unknown";
}

/// <summary>
/// What every guest operation shares: finding the VM, choosing the guest credentials, and turning the faults of
/// guest operations into errors that say what was wrong and what to do.
/// </summary>
public sealed class GuestOperations(IVSphereSession session, GuestCredentials credentials)
{
    /// <summary>The properties read with the VM.</summary>
    public static readonly IReadOnlyList<string> Paths = ["runtime.powerState", "guest.toolsRunningStatus", "guest.guestFamily", "config.guestId"];

    public VSphereClient Client => session.Client;

    /// <summary>Finds the VM (one lookup and one read) and resolves the guest credentials for it.</summary>
    public async Task<GuestVm> OpenAsync(string name, string? username, string? password, CancellationToken cancellationToken)
    {
        var vm = await VmFinder.FindAsync(Client, VSphereObjectKind.VirtualMachine, name, nameof(name), Paths, cancellationToken);
        var auth = credentials.Resolve(vm.Inventory.Name, username, password);
        return new GuestVm(vm.Inventory, auth, vm.Content);
    }

    /// <summary>Finds a VM by name or inventory path.</summary>
    public async Task<InventoryObject> FindVmAsync(string name, CancellationToken cancellationToken) =>
        (await VmFinder.FindAsync(Client, VSphereObjectKind.VirtualMachine, name, nameof(name), [], cancellationToken)).Inventory;

    /// <summary>
    /// Runs a guest operation on <paramref name="vm"/>, turning its faults into tool errors about
    /// <paramref name="guestPath"/> (the path the caller named, if any).
    /// </summary>
    /// <param name="existsHint">What to say after "already exists", e.g. how to replace it.</param>
    public async Task<T> RunAsync<T>(GuestVm vm, string? guestPath, Func<Task<T>> operation, string? existsHint = null)
    {
        try
        {
            return await operation();
        }
        catch (VimFaultException fault) when (Describe(fault, vm, guestPath, existsHint) is { } error)
        {
            if (error.Kind == ToolErrorKind.NotFound && guestPath is not null)
            {
                throw await WithClosestNamesAsync(error, vm, fault.Details.GetValueOrDefault("file") ?? guestPath);
            }
            throw error;
        }
    }

    /// <inheritdoc cref="RunAsync{T}"/>
    public Task RunAsync(GuestVm vm, string? guestPath, Func<Task> operation, string? existsHint = null) =>
        RunAsync(vm, guestPath, async () =>
        {
            await operation();
            return true;
        }, existsHint);

    /// <summary>The entry at a guest path (from a listing of its directory), or null when there is none.</summary>
    public async Task<GuestFileInfo?> StatAsync(GuestVm vm, string guestPath, CancellationToken cancellationToken)
    {
        if (GuestPath.IsRoot(guestPath))
        {
            return new GuestFileInfo(guestPath, GuestFileType.Directory, 0, null, null, null, null, null, null, null, null);
        }
        var (parent, entryName) = GuestPath.Split(guestPath);
        return await RunAsync(vm, guestPath, async () =>
        {
            try
            {
                var listing = await Client.ListFilesInGuestAsync(vm.Ref, vm.Auth, parent, matchPattern: GuestPath.ExactNamePattern(entryName),
                    cancellationToken: cancellationToken);
                return listing.Files.FirstOrDefault(file => file.Path == entryName);
            }
            catch (VimFaultException fault) when (fault.FaultType == VimFaultTypes.FileNotFound)
            {
                return null; // Its directory does not exist either.
            }
        });
    }

    /// <summary>The error for a fault of a guest operation, led by the fault type as the client's other errors are; null for other faults.</summary>
    private static ToolException? Describe(VimFaultException fault, GuestVm vm, string? guestPath, string? existsHint)
    {
        var path = fault.Details.GetValueOrDefault("file") ?? guestPath ?? "the path";
        var where = $"in the guest of '{vm.Name}'";
        var type = fault.FaultType;
        return type switch
        {
            VimFaultTypes.GuestOperationsUnavailable => new ToolException(ToolErrorKind.NotSupported,
                $"{type}: guest operations are unavailable in '{vm.Name}': VMware Tools is not running in the guest (tools running status: " +
                $"{vm.ToolsRunningStatus}). get_vm_tools_status shows the Tools state; after a boot, wait_for_vm_tools waits until they run."),
            VimFaultTypes.InvalidPowerState => new ToolException(ToolErrorKind.NotSupported,
                $"{type}: '{vm.Name}' is {vm.PowerState}: guest operations need a powered-on VM with VMware Tools running. power_on starts it."),
            VimFaultTypes.InvalidGuestLogin => ToolException.InvalidArgument("password",
                $"{type}: the guest OS of '{vm.Name}' rejected the login of user '{vm.Auth.Username}': check the username and password " +
                $"(given in the call, or configured on the server in {GuestCredentials.FileSetting})."),
            "GuestPermissionDenied" => ToolException.Refused(
                $"{type}: in the guest OS of '{vm.Name}', user '{vm.Auth.Username}' may not access {path}. " +
                "Use a guest account that may (e.g. root or an administrator).", "username"),
            VimFaultTypes.FileNotFound => NotFound(vm, path),
            "FileAlreadyExists" => ToolException.InvalidArgument("guest_path", $"{type}: {path} already exists {where}{existsHint}."),
            "NotAFile" => ToolException.InvalidArgument("guest_path", $"{type}: {path} is a directory {where}, not a file: list_guest_directory lists it."),
            "NotADirectory" => ToolException.InvalidArgument("guest_path", $"{type}: {path} is not a directory {where}."),
            "DirectoryNotEmpty" => ToolException.Refused(
                $"{type}: {path} is not empty {where}: delete_guest_file without recursive=false deletes it with everything in it.", "recursive"),
            _ => null,
        };
    }

    /// <summary>The error for a guest path that does not exist, with the most similar entries of its directory.</summary>
    public Task<ToolException> NotFoundAsync(GuestVm vm, string guestPath) => WithClosestNamesAsync(NotFound(vm, guestPath), vm, guestPath);

    private static ToolException NotFound(GuestVm vm, string guestPath) =>
        new(ToolErrorKind.NotFound, $"{VimFaultTypes.FileNotFound}: {guestPath} does not exist in the guest of '{vm.Name}'.", "guest_path");

    /// <summary>Adds the entries of the missing path's directory that are most like it (best effort: the directory may be missing too).</summary>
    private async Task<ToolException> WithClosestNamesAsync(ToolException error, GuestVm vm, string missingPath)
    {
        var (parent, entryName) = GuestPath.Split(missingPath);
        try
        {
            var listing = await Client.ListFilesInGuestAsync(vm.Ref, vm.Auth, parent, maxResults: 1000);
            var closest = ClosestNames.Find(entryName, listing.Files.Select(file => file.Path).Where(file => file is not ("." or "..")));
            return closest.Count == 0
                ? error
                : new ToolException(error.Kind, error.Message, error.Argument, closest.Select(file => GuestPath.Combine(parent, file)).ToArray());
        }
        catch (VSphereException)
        {
            return error;
        }
    }
}
