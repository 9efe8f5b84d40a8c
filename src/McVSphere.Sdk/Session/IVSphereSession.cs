using McVSphere.VSphere;

namespace McVSphere.Sdk.Session;

/// <summary>
/// The vSphere connection the host shares with every plugin. Take it as a parameter of a tool method (or a
/// constructor parameter of a tool class). The client logs in on first use and again when vCenter drops the session.
/// </summary>
public interface IVSphereSession
{
    /// <summary>The vSphere client: SOAP calls, bulk property reads, lookups, tasks, REST and transfers.</summary>
    VSphereClient Client { get; }

    /// <summary>Defaults configured for placement (VCENTER_DATACENTER, VCENTER_CLUSTER, VCENTER_DATASTORE, VCENTER_NETWORK).</summary>
    VSphereDefaults Defaults { get; }

    /// <summary>True when the host serves its embedded simulator rather than a real vCenter.</summary>
    bool IsSimulator { get; }
}

/// <summary>Configured placement defaults; a null member means "pick automatically".</summary>
/// <param name="Datacenter">Default datacenter name.</param>
/// <param name="Cluster">Default cluster name.</param>
/// <param name="Datastore">Default datastore name.</param>
/// <param name="Network">Default network name.</param>
public sealed record VSphereDefaults(string? Datacenter, string? Cluster, string? Datastore, string? Network);
