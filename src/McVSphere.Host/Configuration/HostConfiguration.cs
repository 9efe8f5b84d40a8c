using System.Collections;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace McVSphere.Host.Configuration;

/// <summary>
/// Builds the host's configuration from, lowest to highest precedence: appsettings.json beside the host, the .env file
/// (<see cref="HostSettings.EnvFile"/>), the --config FILE (JSON, or the original mcvsphere's YAML), then environment
/// variables. Keys are the environment variable names, case-insensitive.
/// </summary>
public static class HostConfiguration
{
    public const string DefaultEnvFile = ".env";

    public static IConfigurationRoot Build(string? configFile) =>
        Build(configFile, Environment.CurrentDirectory, ProcessEnvironment());

    /// <summary>Builds it as for a process started in <paramref name="workingDirectory"/> with <paramref name="environment"/>.</summary>
    internal static IConfigurationRoot Build(string? configFile, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true);
        var envFile = ReadEnvFile(workingDirectory, environment);
        if (envFile is not null)
        {
            builder.AddInMemoryCollection(envFile!);
        }
        if (configFile is not null)
        {
            AddConfigFile(builder, configFile, Path.GetFullPath(configFile, workingDirectory));
        }
        // As AddEnvironmentVariables() does, but from the given variables: A__B is the key A:B.
        builder.AddInMemoryCollection(environment.Select(variable =>
            new KeyValuePair<string, string?>(variable.Key.Replace("__", ConfigurationPath.KeyDelimiter), variable.Value)));
        try
        {
            return builder.Build();
        }
        catch (InvalidDataException ex)
        {
            throw new HostConfigurationException([$"{ex.Message} {ex.InnerException?.Message}".TrimEnd()]);
        }
    }

    /// <summary>The .env file's settings, or null when there is none (or MCVSPHERE_ENV_FILE=none).</summary>
    private static Dictionary<string, string>? ReadEnvFile(string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var setting = environment.FirstOrDefault(v => string.Equals(v.Key, HostSettings.EnvFile.Name, StringComparison.OrdinalIgnoreCase)).Value?.Trim();
        if (string.Equals(setting, "none", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var named = !string.IsNullOrEmpty(setting);
        var path = Path.GetFullPath(named ? setting! : DefaultEnvFile, workingDirectory);
        if (!File.Exists(path))
        {
            return named
                ? throw new HostConfigurationException([$"{HostSettings.EnvFile.Name}: file '{setting}' does not exist; set it to none to read no .env file."])
                : null;
        }
        try
        {
            return DotEnvFile.Read(path, environment);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new HostConfigurationException([$"{path} cannot be read: {ex.Message}"]);
        }
    }

    private static void AddConfigFile(IConfigurationBuilder builder, string configFile, string fullPath)
    {
        if (!File.Exists(fullPath))
        {
            throw new HostConfigurationException([$"--config: file '{configFile}' does not exist."]);
        }
        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new HostConfigurationException([$"--config: '{configFile}' cannot be read: {ex.Message}"]);
        }
        var source = $"--config: '{configFile}'";
        var extension = Path.GetExtension(fullPath).ToLowerInvariant();
        var jsonError = extension is ".yaml" or ".yml" ? null : JsonError(text);
        if (extension is ".json" || (extension is not (".yaml" or ".yml") && jsonError is null))
        {
            if (jsonError is not null)
            {
                throw new HostConfigurationException([$"{source} is not valid JSON: {jsonError}"]);
            }
            builder.AddJsonFile(fullPath, optional: false);
            return;
        }
        // YAML by its extension, or content that is not JSON. A file meant as JSON is told so.
        try
        {
            builder.AddInMemoryCollection(YamlSettingsFile.Parse(text, source)!);
        }
        catch (HostConfigurationException) when (jsonError is not null && text.TrimStart().StartsWith('{'))
        {
            throw new HostConfigurationException([$"{source} is not valid JSON: {jsonError}"]);
        }
    }

    /// <summary>Why <paramref name="text"/> is not JSON as the configuration's JSON reader takes it, or null when it is.</summary>
    private static string? JsonError(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return document.RootElement.ValueKind == JsonValueKind.Object ? null : "the top level must be an object of settings.";
        }
        catch (JsonException ex)
        {
            return ex.Message;
        }
    }

    private static Dictionary<string, string> ProcessEnvironment()
    {
        var variables = new Dictionary<string, string>(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            variables[(string)variable.Key] = (string?)variable.Value ?? "";
        }
        return variables;
    }
}
