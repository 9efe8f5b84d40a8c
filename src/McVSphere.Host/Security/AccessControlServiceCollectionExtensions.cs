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
        services.AddSingleton(_ => new AuditLog(options.Security.Audit, TimeProvider.System));
        return services;
    }
}
