using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere;

/// <summary>
/// A vSphere fault, from a SOAP fault or a failed task's <c>info.error</c>. <see cref="FaultType"/> is the vim25 fault
/// type (<c>InvalidPowerState</c>, <c>NoPermission</c>, <c>MethodNotFound</c>...) and <see cref="Details"/> its fields
/// (<c>privilegeId</c>, <c>invalidProperty</c>...).
/// </summary>
public class VimFaultException : VSphereException
{
    /// <summary>Creates the exception for a fault of the given type, message and fields.</summary>
    public VimFaultException(string faultType, string message, VimObject? fault = null, ManagedObjectReference? task = null)
        : base(message)
    {
        FaultType = faultType;
        Fault = fault;
        Task = task;
        Details = FlattenDetails(fault);
    }

    /// <summary>The vim25 fault type name, e.g. <c>InvalidPowerState</c>.</summary>
    public string FaultType { get; }

    /// <summary>The fault's simple fields by name (managed object references as <c>Type:id</c>, arrays comma-separated).</summary>
    public IReadOnlyDictionary<string, string> Details { get; }

    /// <summary>The fault object as read, for fields that <see cref="Details"/> does not flatten.</summary>
    public VimObject? Fault { get; }

    /// <summary>The task whose error this is, when the fault came from a task.</summary>
    public ManagedObjectReference? Task { get; }

    /// <summary>The privilege that was missing (<c>NoPermission</c>, <c>NotAuthenticated</c>).</summary>
    public string? PrivilegeId => Details.GetValueOrDefault("privilegeId");

    /// <summary>The argument or property that was invalid (<c>InvalidArgument</c>, <c>InvalidProperty</c>).</summary>
    public string? InvalidProperty => Details.GetValueOrDefault("invalidProperty") ?? Details.GetValueOrDefault("name");

    /// <summary>Whether the server does not implement the method (<c>MethodNotFound</c>).</summary>
    public bool IsNotSupported => FaultType == VimFaultTypes.MethodNotFound;

    private static Dictionary<string, string> FlattenDetails(VimObject? fault)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in fault?.Fields ?? [])
        {
            if (Describe(field.Value) is { } text)
            {
                details[field.Name] = text;
            }
        }
        return details;
    }

    private static string? Describe(VimValue value) => value switch
    {
        VimPrimitive primitive => primitive.Text,
        ManagedObjectReference reference => reference.ToString(),
        VimArray array when array.Items.All(item => item is not VimObject) => string.Join(", ", array.Items.Select(Describe)),
        _ => null,
    };
}
