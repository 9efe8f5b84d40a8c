namespace McVSphere.Sdk.Security;

/// <summary>
/// RBAC levels, least to most privileged. A caller granted a level may call every tool at that level or below.
/// </summary>
public enum PermissionLevel
{
    /// <summary>View and inspect.</summary>
    ReadOnly = 0,

    /// <summary>Power state, snapshots, device connection.</summary>
    PowerOps = 1,

    /// <summary>Create, modify and delete VMs and their placement.</summary>
    VmLifecycle = 2,

    /// <summary>ESXi host operations: services, NTP, maintenance mode, reboot.</summary>
    HostAdmin = 3,

    /// <summary>Everything, including commands and files inside guests.</summary>
    FullAdmin = 4,
}
