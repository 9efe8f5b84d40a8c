namespace McVSphere.VSphere.Vim;

/// <summary>A VM's power state (<c>VirtualMachinePowerState</c>).</summary>
public enum VirtualMachinePowerState
{
    /// <summary>A value this client does not know.</summary>
    Unknown,
    /// <summary>Powered off.</summary>
    PoweredOff,
    /// <summary>Powered on.</summary>
    PoweredOn,
    /// <summary>Suspended.</summary>
    Suspended,
}
