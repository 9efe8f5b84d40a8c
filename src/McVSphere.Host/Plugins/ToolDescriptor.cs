using System.Reflection;
using System.Text.Json;
using McVSphere.Sdk.Resources;
using McVSphere.Sdk.Safety;
using McVSphere.Sdk.Security;

namespace McVSphere.Host.Plugins;

/// <summary>A tool method found in a plugin, with what the host needs to know before serving it.</summary>
/// <param name="Change">What the tool changes, for dry runs and confirmations; null for tools that declare none.</param>
/// <param name="UrlSources">The arguments marked <see cref="UrlSourceAttribute"/>, with the level a URL in each needs.</param>
/// <param name="ItemResource">For a listing whose items each have a resource, that resource (<see cref="LinksItemsToAttribute"/>).</param>
/// <param name="ListsEveryVCenter">A listing that takes <c>vcenter: "*"</c> (<see cref="McVSphere.Sdk.Session.ListsEveryVCenterAttribute"/>).</param>
public sealed record ToolDescriptor(string Name, string Family, PermissionLevel Permission, MethodInfo Method, ChangeAttribute? Change = null,
    IReadOnlyDictionary<string, PermissionLevel>? UrlSources = null, LinksItemsToAttribute? ItemResource = null, bool ListsEveryVCenter = false)
{
    /// <summary>
    /// A long call: the tool reports progress (it waits for a vSphere task, a guest or a transfer), so it holds one of
    /// the caller's long-call places (MCVSPHERE_MAX_LONG_CALLS) while it runs.
    /// </summary>
    public bool IsLongRunning { get; } = Method.GetParameters().Any(parameter =>
        parameter.ParameterType.IsGenericType && parameter.ParameterType.GetGenericTypeDefinition() == typeof(IProgress<>));

    /// <summary>
    /// The level a call with <paramref name="arguments"/> needs: <see cref="Permission"/>, raised by each argument given
    /// as a URL (<see cref="UrlSourceAttribute.IsUrl"/>); <paramref name="urlArgument"/> names the one that raised it.
    /// </summary>
    public PermissionLevel RequiredLevel(IDictionary<string, JsonElement>? arguments, out string? urlArgument)
    {
        var level = Permission;
        urlArgument = null;
        foreach (var (argument, urlLevel) in UrlSources ?? new Dictionary<string, PermissionLevel>())
        {
            if (urlLevel > level && arguments is not null && arguments.TryGetValue(argument, out var value)
                && value.ValueKind == JsonValueKind.String && UrlSourceAttribute.IsUrl(value.GetString(), out _))
            {
                level = urlLevel;
                urlArgument = argument;
            }
        }
        return level;
    }

    /// <summary>
    /// Whether a call with <paramref name="arguments"/> destroys something: the change always does, or its
    /// <see cref="ChangeAttribute.DestroysWhen"/> argument is true, given or left to a default of true.
    /// </summary>
    public bool Destroys(IDictionary<string, JsonElement>? arguments)
    {
        if (Change is not { } change)
        {
            return false;
        }
        if (change.DestroysWhen is not { } condition)
        {
            return change.Destroys;
        }
        if (arguments is not null && arguments.TryGetValue(condition, out var value))
        {
            return value.ValueKind == JsonValueKind.True;
        }
        return Method.GetParameters().FirstOrDefault(parameter => parameter.Name == condition) is { HasDefaultValue: true, DefaultValue: true };
    }
}

/// <summary>A resource method found in a plugin. Resources are read-only and checked as READ_ONLY.</summary>
/// <param name="Watch">What makes the resource change, for subscriptions; null when it cannot be subscribed to.</param>
public sealed record ResourceDescriptor(string Uri, string Family, MethodInfo Method, WatchesInventoryAttribute? Watch = null);
