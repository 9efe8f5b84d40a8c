namespace McVSphere.Host.Configuration;

/// <summary>One configuration setting: its name (environment variable and configuration key), meaning and default.</summary>
/// <param name="Name">The environment variable, which is also the key in appsettings.json and --config files.</param>
/// <param name="Group">The heading it is documented under.</param>
/// <param name="Description">What it does, for --help and docs/configuration.md.</param>
/// <param name="Default">The default shown to users, or null when the setting has none.</param>
/// <param name="IsSecret">Never printed, logged or echoed in an error.</param>
public sealed record SettingDefinition(string Name, string Group, string Description, string? Default = null, bool IsSecret = false);
