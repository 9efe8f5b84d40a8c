namespace McVSphere.Host.Configuration;

/// <summary>The configuration cannot be used; each problem names the setting and what is wrong with it.</summary>
public sealed class HostConfigurationException(IReadOnlyList<string> problems)
    : Exception("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
