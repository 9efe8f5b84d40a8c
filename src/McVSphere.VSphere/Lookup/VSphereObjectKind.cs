namespace McVSphere.VSphere.Lookup;

/// <summary>The kinds of inventory object that tools look up by name.</summary>
public enum VSphereObjectKind
{
    /// <summary>A virtual machine, template or not (<c>VirtualMachine</c>).</summary>
    VirtualMachine,
    /// <summary>A virtual machine marked as a template (<c>VirtualMachine</c> with <c>config.template</c>).</summary>
    Template,
    /// <summary>An ESXi host (<c>HostSystem</c>).</summary>
    Host,
    /// <summary>A cluster (<c>ClusterComputeResource</c>).</summary>
    Cluster,
    /// <summary>A datastore (<c>Datastore</c>).</summary>
    Datastore,
    /// <summary>A network: standard (<c>Network</c>), distributed port group (<c>DistributedVirtualPortgroup</c>) or NSX (<c>OpaqueNetwork</c>).</summary>
    Network,
    /// <summary>A resource pool or vApp (<c>ResourcePool</c>).</summary>
    ResourcePool,
    /// <summary>A folder (<c>Folder</c>).</summary>
    Folder,
    /// <summary>A datacenter (<c>Datacenter</c>).</summary>
    Datacenter,
}

/// <summary>The managed object types and display names of each <see cref="VSphereObjectKind"/>.</summary>
public static class VSphereObjectKinds
{
    /// <summary>
    /// The managed object type to read for a kind; container views and property specs include its subtypes
    /// (<c>Network</c> covers port groups and opaque networks, <c>ResourcePool</c> covers vApps).
    /// </summary>
    public static string ManagedObjectType(this VSphereObjectKind kind) => kind switch
    {
        VSphereObjectKind.VirtualMachine or VSphereObjectKind.Template => "VirtualMachine",
        VSphereObjectKind.Host => "HostSystem",
        VSphereObjectKind.Cluster => "ClusterComputeResource",
        VSphereObjectKind.Datastore => "Datastore",
        VSphereObjectKind.Network => "Network",
        VSphereObjectKind.ResourcePool => "ResourcePool",
        VSphereObjectKind.Folder => "Folder",
        VSphereObjectKind.Datacenter => "Datacenter",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown object kind."),
    };

    /// <summary>The kind in words, for messages: "virtual machine", "resource pool"...</summary>
    public static string DisplayName(this VSphereObjectKind kind) => kind switch
    {
        VSphereObjectKind.VirtualMachine => "virtual machine",
        VSphereObjectKind.ResourcePool => "resource pool",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
