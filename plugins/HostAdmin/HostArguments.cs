namespace McVSphere.Plugins.HostAdmin;

/// <summary>The description of host_name, which every HostAdmin tool takes (and <c>HostSelection.ResolveHostAsync</c> resolves).</summary>
internal static class HostArguments
{
    public const string HostName =
        "The ESXi host: its name or inventory path, e.g. 'esx-01.lab.local' or 'DC0/host/Cluster/esx-01.lab.local'. " +
        "May be left out only when vCenter manages a single host; with several, the call is refused and lists them.";
}
