using McVSphere.Host.Hosting;
using McVSphere.Sdk.Session;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McVSphere.Host.Mcp;

/// <summary>
/// <c>completion/complete</c> for every prompt and resource template of every plugin: an argument is completed from
/// the inventory by its name (<c>vm_name</c>, <c>host_name</c>, <c>datastore_name</c>, <c>snapshot_name</c>...), so
/// plugins get completions by naming their arguments as the tools do.
/// </summary>
public static class CompletionHandler
{
    private const int MaxValues = 100;

    private static readonly Dictionary<string, VSphereObjectKind> KindByArgument = new(StringComparer.Ordinal)
    {
        ["vm_name"] = VSphereObjectKind.VirtualMachine,
        ["host_name"] = VSphereObjectKind.Host,
        ["target_host"] = VSphereObjectKind.Host,
        ["datastore"] = VSphereObjectKind.Datastore,
        ["datastore_name"] = VSphereObjectKind.Datastore,
        ["target_datastore"] = VSphereObjectKind.Datastore,
        ["network"] = VSphereObjectKind.Network,
        ["network_name"] = VSphereObjectKind.Network,
        ["new_network"] = VSphereObjectKind.Network,
        ["cluster_name"] = VSphereObjectKind.Cluster,
        ["folder_path"] = VSphereObjectKind.Folder,
        ["template_name"] = VSphereObjectKind.Template,
        ["pool_name"] = VSphereObjectKind.ResourcePool,
        ["resource_pool"] = VSphereObjectKind.ResourcePool,
        ["target_pool"] = VSphereObjectKind.ResourcePool,
    };

    public static async ValueTask<CompleteResult> CompleteAsync(RequestContext<CompleteRequestParams> context, CancellationToken cancellationToken)
    {
        var argument = context.Params?.Argument;
        if (argument is null)
        {
            return new CompleteResult();
        }
        var targets = context.Services!.GetRequiredService<VCenterTargets>();
        if (argument.Name == VCenterTargets.Argument)
        {
            return Complete(targets.All.Select(target => target.Name).ToList(), argument.Value);
        }
        // A template on a target (esxi://{vcenter}/vms/{vm_name}) completes from the target its vcenter argument names.
        var named = context.Params?.Context?.Arguments is { } given && given.TryGetValue(VCenterTargets.Argument, out var name) ? targets.Find(name) : null;
        using var routed = targets.Enter(named ?? targets.Current);
        IReadOnlyList<string> candidates;
        if (argument.Name == "snapshot_name")
        {
            candidates = await SnapshotNamesAsync(context, cancellationToken);
        }
        else if (KindByArgument.TryGetValue(argument.Name, out var kind))
        {
            candidates = await context.Services!.GetRequiredService<InventoryNameCache>().GetAsync(kind, cancellationToken);
        }
        else
        {
            return new CompleteResult();
        }
        return Complete(candidates, argument.Value);
    }

    /// <summary>The candidates that start with what was typed, then those that contain it.</summary>
    private static CompleteResult Complete(IReadOnlyList<string> candidates, string? value)
    {
        var typed = value ?? "";
        var matches = candidates.Where(c => c.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            .Concat(candidates.Where(c => !c.StartsWith(typed, StringComparison.OrdinalIgnoreCase) && c.Contains(typed, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        return new CompleteResult
        {
            Completion = new Completion { Values = matches.Take(MaxValues).ToList(), Total = matches.Count, HasMore = matches.Count > MaxValues },
        };
    }

    // Snapshots belong to a VM: the VM named by the request's other arguments (context.arguments.vm_name).
    private static async Task<IReadOnlyList<string>> SnapshotNamesAsync(RequestContext<CompleteRequestParams> context, CancellationToken cancellationToken)
    {
        if (context.Params?.Context?.Arguments is not { } arguments || !arguments.TryGetValue("vm_name", out var vmName) || string.IsNullOrEmpty(vmName))
        {
            return [];
        }
        var client = context.Services!.GetRequiredService<IVSphereSession>().Client;
        var vm = await client.Lookup.FindAsync(VSphereObjectKind.VirtualMachine, vmName, cancellationToken);
        var snapshots = await client.GetSnapshotsAsync(vm.Ref, cancellationToken);
        return snapshots?.Flatten().Select(s => s.Name).Distinct().ToArray() ?? [];
    }
}
