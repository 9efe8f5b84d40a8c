namespace McVSphere.VSphere.Vim;

/// <summary>How urgently vCenter migrates a VM (<c>VirtualMachineMovePriority</c>).</summary>
public enum VirtualMachineMovePriority
{
    /// <summary>Normal priority.</summary>
    DefaultPriority,
    /// <summary>Reserve resources for the migration first; fails rather than runs slowly.</summary>
    HighPriority,
    /// <summary>Run with the resources available; always proceeds, maybe slowly.</summary>
    LowPriority,
}
