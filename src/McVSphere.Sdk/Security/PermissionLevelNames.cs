namespace McVSphere.Sdk.Security;

/// <summary>The wire names of <see cref="PermissionLevel"/> (<c>READ_ONLY</c> … <c>FULL_ADMIN</c>), as the original server spelled them.</summary>
public static class PermissionLevelNames
{
    private static readonly string[] Names = ["READ_ONLY", "POWER_OPS", "VM_LIFECYCLE", "HOST_ADMIN", "FULL_ADMIN"];

    /// <summary>Every level's wire name, least privileged first.</summary>
    public static IReadOnlyList<string> All => Names;

    /// <summary>The wire name of a level, e.g. <c>POWER_OPS</c>.</summary>
    public static string ToWireName(this PermissionLevel level) => Names[(int)level];

    /// <summary>Parses a wire name (case-insensitive; <c>-</c> and <c>_</c> are interchangeable).</summary>
    public static bool TryParse(string? text, out PermissionLevel level)
    {
        var normalized = text?.Trim().Replace('-', '_').ToUpperInvariant();
        var index = Array.IndexOf(Names, normalized);
        level = index < 0 ? default : (PermissionLevel)index;
        return index >= 0;
    }
}
