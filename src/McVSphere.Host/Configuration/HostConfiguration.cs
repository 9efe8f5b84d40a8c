using Microsoft.Extensions.Configuration;

namespace McVSphere.Host.Configuration;

/// <summary>Builds the host's configuration: appsettings.json beside the host, then --config FILE, then environment variables.</summary>
public static class HostConfiguration
{
    public static IConfigurationRoot Build(string? configFile)
    {
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true);
        if (configFile is not null)
        {
            var fullPath = Path.GetFullPath(configFile);
            if (!File.Exists(fullPath))
            {
                throw new HostConfigurationException([$"--config: file '{configFile}' does not exist."]);
            }
            try
            {
                builder.AddJsonFile(fullPath, optional: false);
                return builder.AddEnvironmentVariables().Build();
            }
            catch (InvalidDataException ex)
            {
                throw new HostConfigurationException([$"--config: '{configFile}' is not valid JSON: {ex.InnerException?.Message ?? ex.Message}"]);
            }
        }
        return builder.AddEnvironmentVariables().Build();
    }
}
