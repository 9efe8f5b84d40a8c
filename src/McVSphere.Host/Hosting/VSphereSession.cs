using McVSphere.Host.Configuration;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McVSphere.Host.Hosting;

/// <summary>The host's one vSphere session, shared with every plugin. The client is disposed (logged out) with the host.</summary>
internal sealed class VSphereSession(VSphereClient client, VSphereDefaults defaults, bool isSimulator) : IVSphereSession
{
    public VSphereClient Client { get; } = client;

    public VSphereDefaults Defaults { get; } = defaults;

    public bool IsSimulator { get; } = isSimulator;
}

/// <summary>Registers the vSphere client and the session plugins see.</summary>
public static class VSphereSessionServiceCollectionExtensions
{
    public static IServiceCollection AddVSphereSession(this IServiceCollection services, VCenterSettings vcenter, PlacementDefaults defaults, bool isSimulator,
        VCenterTimeLimits? limits = null)
    {
        services.AddSingleton(provider => new VSphereClient(ToConnectionOptions(vcenter, limits ?? VCenterTimeLimits.Default), provider.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IVSphereSession>(provider => new VSphereSession(
            provider.GetRequiredService<VSphereClient>(),
            new VSphereDefaults(defaults.Datacenter, defaults.Cluster, defaults.Datastore, defaults.Network),
            isSimulator));
        return services;
    }

    public static VSphereConnectionOptions ToConnectionOptions(VCenterSettings vcenter, VCenterTimeLimits limits) => new()
    {
        Server = vcenter.Server,
        ServerSettingName = HostSettings.VCenterHost.Name,
        ConnectTimeout = limits.Connect,
        RequestTimeout = limits.Request,
        TaskTimeout = limits.Task,
        User = vcenter.User,
        Password = vcenter.Password,
        Insecure = vcenter.Insecure,
        CaBundlePath = vcenter.CaBundlePath,
        Thumbprint = vcenter.Thumbprint,
        PropertyPageSize = vcenter.PageSize,
        InventoryIndex = vcenter.InventoryIndex,
    };
}
