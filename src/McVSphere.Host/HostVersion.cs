using System.Reflection;

namespace McVSphere.Host;

/// <summary>The host's informational version, as built.</summary>
public static class HostVersion
{
    public static string Current { get; } =
        typeof(HostVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(HostVersion).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";
}
