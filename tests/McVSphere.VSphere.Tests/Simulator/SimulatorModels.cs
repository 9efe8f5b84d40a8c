namespace McVSphere.VSphere.Tests.Simulator;

/// <summary>Two datacenters of the default model: names such as "VM Network", "LocalDS_0" and "vm" repeat.</summary>
public sealed class TwoDatacenterSimulator : SimulatorFixture
{
    /// <inheritdoc />
    protected override IReadOnlyList<string> Flags => ["-dc", "2"];
}

/// <summary>One datacenter, one cluster with one host, 5,000 VMs in its root pool.</summary>
public sealed class LargeInventorySimulator : SimulatorFixture
{
    /// <summary>The number of VMs.</summary>
    public const int VmCount = 5000;

    /// <inheritdoc />
    protected override IReadOnlyList<string> Flags =>
        ["-dc", "1", "-cluster", "1", "-host-per-cluster", "1", "-standalone-host", "0", "-vm", VmCount.ToString(System.Globalization.CultureInfo.InvariantCulture)];
}

/// <summary>A small inventory whose sessions expire after 2 s idle.</summary>
public sealed class IdleSessionSimulator : SimulatorFixture
{
    /// <inheritdoc />
    protected override IReadOnlyList<string> Flags => ["-cluster", "0", "-standalone-host", "1", "-vm", "1", "-session-idle", "2s"];
}

/// <summary>A small inventory over https with the simulator's self-signed certificate.</summary>
public sealed class TlsSimulator : SimulatorFixture
{
    /// <inheritdoc />
    protected override IReadOnlyList<string> Flags => ["-cluster", "0", "-standalone-host", "1", "-vm", "1", "-tls"];
}

/// <summary>A small inventory whose PropertyCollector does not check paths up front (-check-property-paths=false): the
/// stock simulator then lists unknown paths in missingSet, as a server does for properties it cannot read.</summary>
public sealed class MissingSetSimulator : SimulatorFixture
{
    /// <inheritdoc />
    protected override IReadOnlyList<string> Flags => ["-cluster", "0", "-standalone-host", "1", "-vm", "1", "-check-property-paths=false"];
}
