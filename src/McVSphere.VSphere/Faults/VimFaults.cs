using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere;

/// <summary>
/// Turns a fault read from the wire (a SOAP fault's detail or a task's LocalizedMethodFault) into a
/// <see cref="VimFaultException"/> whose message is useful to an end user: the server's text when it has one, otherwise
/// a sentence built from the fault's fields.
/// </summary>
internal static class VimFaults
{
    public static VimFaultException Create(string faultType, string? serverMessage, VimObject? fault, ManagedObjectReference? task = null) =>
        new(faultType, $"{faultType}: {Describe(faultType, serverMessage, fault)}", fault, task);

    /// <summary>For a property of a read that the server listed in <c>missingSet</c> instead of returning it.</summary>
    public static VimFaultException MissingProperty(ManagedObjectReference obj, string path, string faultType, string? serverMessage, VimObject? fault) =>
        new(faultType, $"{faultType}: the property '{path}' of {obj} could not be read: {Describe(faultType, serverMessage, fault)}", fault);

    private static string Describe(string faultType, string? serverMessage, VimObject? fault)
    {
        string? Field(string name) => fault?[name] switch
        {
            ManagedObjectReference reference => reference.ToString(),
            VimPrimitive primitive => primitive.Text,
            _ => null,
        };

        return faultType switch
        {
            VimFaultTypes.MethodNotFound =>
                $"{Field("method") ?? "This operation"} is not supported by this server ({Field("receiver") ?? serverMessage}).",
            VimFaultTypes.ManagedObjectNotFound =>
                $"The object {Field("obj") ?? ""} does not exist on this server: it was deleted, or this server does not support it.",
            VimFaultTypes.InvalidLogin => "Login failed: the user name or password is incorrect.",
            VimFaultTypes.NotAuthenticated => "The session is not logged in (it expired or was terminated).",
            VimFaultTypes.InvalidProperty =>
                $"The server rejected the property path '{Field("name") ?? "(not named by the server)"}': it is not a property of the declared type (a member of a subtype, or a path through an array).",
            _ when IsUseful(serverMessage) => serverMessage!,
            VimFaultTypes.InvalidPowerState =>
                $"The operation is not allowed in the VM's current power state{Clause("current", Field("existingState"))}{Clause("requested", Field("requestedState"))}.",
            VimFaultTypes.InvalidState => "The operation is not allowed in the object's current state.",
            VimFaultTypes.NoPermission =>
                $"Permission denied: the privilege {Field("privilegeId") ?? "(unknown)"} is required{On(Field("object"))}.",
            VimFaultTypes.TaskInProgress => $"Another task is already running on the object{Clause("task", Field("task"))}.",
            VimFaultTypes.FileNotFound => $"File not found: {Field("file") ?? "(unknown)"}.",
            VimFaultTypes.DuplicateName => $"The name '{Field("name")}' is already in use{On(Field("object"))}.",
            VimFaultTypes.InvalidArgument => $"An argument is invalid: {Field("invalidProperty") ?? "(not named by the server)"}.",
            VimFaultTypes.NotFound => "The requested item was not found.",
            VimFaultTypes.GuestOperationsUnavailable =>
                "Guest operations are unavailable: VMware Tools is not running in the guest, or the VM is off.",
            VimFaultTypes.InvalidGuestLogin => "The guest operating system rejected the user name or password.",
            VimFaultTypes.RequestCanceled => "The operation was cancelled.",
            _ => "The server reported this fault without a message.",
        };
    }

    /// <summary>For a call that needs a manager the server does not have (an ESXi host has no EventManager).</summary>
    public static VimFaultException NotSupported(string operation, string manager) =>
        new(VimFaultTypes.MethodNotFound, $"{VimFaultTypes.MethodNotFound}: {operation} is not supported by this server (it has no {manager}).");

    /// <summary>The simulator's task errors carry Go type names (<c>*types.InvalidPowerState</c>) as the message.</summary>
    private static bool IsUseful(string? serverMessage) =>
        !string.IsNullOrWhiteSpace(serverMessage) && !serverMessage.StartsWith("*types.", StringComparison.Ordinal);

    private static string Clause(string label, string? value) => value is null ? "" : $" ({label}: {value})";

    private static string On(string? target) => target is null ? "" : $" on {target}";
}
