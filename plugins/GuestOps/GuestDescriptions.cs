namespace McVSphere.Plugins.GuestOps;

/// <summary>Parameter descriptions shared by the guest tools.</summary>
internal static class GuestDescriptions
{
    public const string Vm = "Name or inventory path of the VM.";

    public const string Username = "Guest OS user name. Omit username and password to use the credentials configured on the server for this VM.";

    public const string Password = "Guest OS password (never logged). Omit to use the credentials configured on the server for this VM.";

    public const string GuestPath = "Absolute path in the guest, e.g. /etc/hostname or C:\\Temp\\notes.txt.";
}
