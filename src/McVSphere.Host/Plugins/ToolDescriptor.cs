using System.Reflection;
using McVSphere.Sdk.Resources;
using McVSphere.Sdk.Safety;
using McVSphere.Sdk.Security;

namespace McVSphere.Host.Plugins;

/// <summary>A tool method found in a plugin, with what the host needs to know before serving it.</summary>
/// <param name="Change">What the tool changes, for dry runs and confirmations; null for tools that declare none.</param>
public sealed record ToolDescriptor(string Name, string Family, PermissionLevel Permission, MethodInfo Method, ChangeAttribute? Change = null);

/// <summary>A resource method found in a plugin. Resources are read-only and checked as READ_ONLY.</summary>
/// <param name="Watch">What makes the resource change, for subscriptions; null when it cannot be subscribed to.</param>
public sealed record ResourceDescriptor(string Uri, string Family, MethodInfo Method, WatchesInventoryAttribute? Watch = null);
