using McVSphere.VSphere.Soap;

namespace McVSphere.VSphere.Vim;

/// <summary>Maps a network named in an OVF descriptor to a network of the inventory (<c>OvfNetworkMapping</c>).</summary>
/// <param name="Name">The network name in the OVF.</param>
/// <param name="Network">The target network.</param>
public sealed record OvfNetworkMapping(string Name, ManagedObjectReference Network) : VimDataObject
{
    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("name", Name);
        writer.Write("network", Network);
    }
}

/// <summary>A key and value (<c>KeyValue</c>), e.g. an OVF property.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value.</param>
public sealed record KeyValue(string Key, string Value) : VimDataObject
{
    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("key", Key);
        writer.Write("value", Value);
    }
}

/// <summary>How to import an OVF (<c>OvfCreateImportSpecParams</c>), for OvfManager.CreateImportSpec.</summary>
public sealed record OvfCreateImportSpecParams : VimDataObject
{
    /// <summary>The locale of the descriptor's messages (empty: default).</summary>
    public string Locale { get; init; } = "";

    /// <summary>The deployment option (empty: the default one).</summary>
    public string DeploymentOption { get; init; } = "";

    /// <summary>The name of the new VM or vApp.</summary>
    public required string EntityName { get; init; }

    /// <summary>The host to deploy to (optional in a DRS cluster).</summary>
    public ManagedObjectReference? HostSystem { get; init; }

    /// <summary>Network mappings.</summary>
    public IReadOnlyList<OvfNetworkMapping>? NetworkMapping { get; init; }

    /// <summary>IP allocation policy, e.g. <c>dhcpPolicy</c>.</summary>
    public string? IpAllocationPolicy { get; init; }

    /// <summary><c>IPv4</c> or <c>IPv6</c>.</summary>
    public string? IpProtocol { get; init; }

    /// <summary>Values of the OVF's properties.</summary>
    public IReadOnlyList<KeyValue>? PropertyMapping { get; init; }

    /// <summary>Disk provisioning: <c>thin</c>, <c>thick</c>, <c>eagerZeroedThick</c>...</summary>
    public string? DiskProvisioning { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("locale", Locale);
        writer.Write("deploymentOption", DeploymentOption);
        writer.Write("entityName", EntityName);
        writer.Write("hostSystem", HostSystem);
        writer.Write("networkMapping", NetworkMapping);
        writer.Write("ipAllocationPolicy", IpAllocationPolicy);
        writer.Write("ipProtocol", IpProtocol);
        writer.Write("propertyMapping", PropertyMapping);
        writer.Write("diskProvisioning", DiskProvisioning);
    }
}
