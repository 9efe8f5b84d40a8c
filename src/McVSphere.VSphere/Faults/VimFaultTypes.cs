namespace McVSphere.VSphere;

/// <summary>Names of the vim25 fault types that callers commonly test for in <see cref="VimFaultException.FaultType"/>.</summary>
public static class VimFaultTypes
{
    /// <summary>The VM is not in a power state that allows the operation.</summary>
    public const string InvalidPowerState = "InvalidPowerState";
    /// <summary>The object is not in a state that allows the operation.</summary>
    public const string InvalidState = "InvalidState";
    /// <summary>A named item (snapshot, file, session...) was not found.</summary>
    public const string NotFound = "NotFound";
    /// <summary>The managed object does not exist (deleted, or not implemented by this server).</summary>
    public const string ManagedObjectNotFound = "ManagedObjectNotFound";
    /// <summary>The user name or password is wrong.</summary>
    public const string InvalidLogin = "InvalidLogin";
    /// <summary>The session lacks a privilege, named by <see cref="VimFaultException.PrivilegeId"/>.</summary>
    public const string NoPermission = "NoPermission";
    /// <summary>The session is not (or no longer) logged in.</summary>
    public const string NotAuthenticated = "NotAuthenticated";
    /// <summary>Another task is running on the object.</summary>
    public const string TaskInProgress = "TaskInProgress";
    /// <summary>Another client changed or answered the same thing first (e.g. a VM question answered already).</summary>
    public const string ConcurrentAccess = "ConcurrentAccess";
    /// <summary>A datastore file was not found.</summary>
    public const string FileNotFound = "FileNotFound";
    /// <summary>An object with that name already exists.</summary>
    public const string DuplicateName = "DuplicateName";
    /// <summary>An argument was invalid, named by <see cref="VimFaultException.InvalidProperty"/>.</summary>
    public const string InvalidArgument = "InvalidArgument";
    /// <summary>A property path that the PropertyCollector rejects (unknown, a subtype's member, through an array),
    /// named by <see cref="VimFaultException.InvalidProperty"/>.</summary>
    public const string InvalidProperty = "InvalidProperty";
    /// <summary>VMware Tools in the guest cannot run guest operations now.</summary>
    public const string GuestOperationsUnavailable = "GuestOperationsUnavailable";
    /// <summary>The guest rejected the guest credentials.</summary>
    public const string InvalidGuestLogin = "InvalidGuestLogin";
    /// <summary>The server does not implement the method.</summary>
    public const string MethodNotFound = "MethodNotFound";
    /// <summary>The server does not support the operation on this object (e.g. CancelTask on a task that is not cancelable).</summary>
    public const string NotSupported = "NotSupported";
    /// <summary>The request was cancelled (a cancelled task reports this).</summary>
    public const string RequestCanceled = "RequestCanceled";
}
