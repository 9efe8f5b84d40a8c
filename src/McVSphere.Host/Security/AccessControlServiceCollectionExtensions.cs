using McVSphere.Host.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McVSphere.Host.Security;

/// <summary>Registers what <see cref="SecurityRequestFilters"/> uses, for every transport.</summary>
public static class AccessControlServiceCollectionExtensions
{
    /// <summary>Caller identity, access policy and audit log.</summary>
    public static IServiceCollection AddMcVSphereAccessControl(this IServiceCollection services, McVSphereOptions options)
    {
        services.AddSingleton<CallerResolver>();
        services.AddSingleton<AccessPolicy>();
        services.AddSingleton<LongCallLimiter>();
        services.AddSingleton<SessionLimiter>();
        // Opened now, so that an audit file that cannot be written stops start-up instead of the first tool call.
        // Every line is flushed as it is written; the file closes with the process.
        services.AddSingleton(OpenAuditLog(options.Security.Audit));
        return services;
    }

    private static AuditLog OpenAuditLog(AuditSettings settings)
    {
        try
        {
            return new AuditLog(settings, TimeProvider.System);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new HostConfigurationException([$"{HostSettings.AuditFile.Name}: cannot append to '{settings.FilePath}': {ex.Message}"]);
        }
    }
}
