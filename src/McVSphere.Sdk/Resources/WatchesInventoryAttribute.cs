namespace McVSphere.Sdk.Resources;

/// <summary>
/// Makes a resource subscribable: the host watches these properties of every object of the managed type (through a
/// vSphere PropertyCollector, no polling) and sends <c>notifications/resources/updated</c> for the resource's URI to
/// subscribed clients when any of them changes or an object appears or goes.
/// </summary>
/// <param name="managedObjectType">The vSphere managed object type, e.g. <c>VirtualMachine</c>.</param>
/// <param name="propertyPaths">The properties whose changes change the resource, e.g. <c>name</c>, <c>runtime.powerState</c>.</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class WatchesInventoryAttribute(string managedObjectType, params string[] propertyPaths) : Attribute
{
    /// <summary>The vSphere managed object type watched.</summary>
    public string ManagedObjectType { get; } = managedObjectType;

    /// <summary>The property paths watched.</summary>
    public IReadOnlyList<string> PropertyPaths { get; } = propertyPaths;
}
