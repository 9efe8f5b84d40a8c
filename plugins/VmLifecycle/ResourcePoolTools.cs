using System.ComponentModel;
using System.Globalization;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Progress;
using McVSphere.Sdk.Safety;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.VmLifecycle;

/// <summary>Resource pools.</summary>
[McpServerToolType]
public sealed class ResourcePoolTools(IVSphereSession session)
{
    private const string SharesDescription = "low, normal (default), high, or a number of shares.";

    private static readonly string[] SharesLevels = ["low", "normal", "high"];

    [McpServerTool(Name = "create_resource_pool", UseStructuredContent = true)]
    [Description("Creates a resource pool in a pool, cluster or host (default: the configured cluster, else the first), with CPU (MHz) and " +
        "memory (MB) reservations, limits (-1: none) and shares; what is left out gets vSphere's defaults (no reservation, no limit, " +
        "normal shares, expandable reservation). vSphere refuses a name the parent already holds.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("create resource pool '{name}' (in: {parent})")]
    public async Task<ResourcePoolCreated> CreateResourcePool(
        [Description("Name of the new pool (at most 80 characters, no '/').")] string name,
        [Description("Parent resource pool (name or path), or a cluster or host for its root pool.")] string? parent = null,
        [Description("Guaranteed CPU in MHz.")] long? cpu_reservation_mhz = null,
        [Description("Most CPU in MHz; -1 for no limit.")] long? cpu_limit_mhz = null,
        [Description("Guaranteed memory in MB.")] long? memory_reservation_mb = null,
        [Description("Most memory in MB; -1 for no limit.")] long? memory_limit_mb = null,
        [Description("CPU shares: " + SharesDescription)] string? cpu_shares = null,
        [Description("Memory shares: " + SharesDescription)] string? memory_shares = null,
        CancellationToken cancellationToken = default)
    {
        VmLocator.RequireName(name, nameof(name));
        var spec = new ResourceConfigSpec
        {
            CpuAllocation = Allocation(cpu_reservation_mhz, nameof(cpu_reservation_mhz), cpu_limit_mhz, nameof(cpu_limit_mhz), cpu_shares, nameof(cpu_shares)),
            MemoryAllocation = Allocation(memory_reservation_mb, nameof(memory_reservation_mb), memory_limit_mb, nameof(memory_limit_mb),
                memory_shares, nameof(memory_shares)),
        };
        var client = session.Client;
        var placement = await VmPlacement.ReadAsync(session, cancellationToken);
        var parentPool = parent is null ? placement.ForNewVm(null).RootPool : placement.FindPool(parent, nameof(parent));
        var pool = await client.CreateResourcePoolAsync(parentPool, name, spec, cancellationToken);

        var path = InventoryReads.PathOfAsync(client, VSphereObjectKind.ResourcePool, pool, cancellationToken);
        var config = client.Properties.RetrieveAsync(pool, ["config.cpuAllocation", "config.memoryAllocation"], cancellationToken);
        await Task.WhenAll(path, config);
        return new ResourcePoolCreated(
            await path,
            PoolAllocation.From((await config).GetObject("config.cpuAllocation")),
            PoolAllocation.From((await config).GetObject("config.memoryAllocation")));
    }

    [McpServerTool(Name = "delete_resource_pool", Destructive = true, UseStructuredContent = true)]
    [Description("Deletes a resource pool; vSphere moves its VMs and child pools up to its parent pool. A cluster's or host's root pool cannot be deleted.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("delete resource pool '{name}', moving its VMs to its parent pool")]
    public async Task<ResourcePoolDeleted> DeleteResourcePool(
        [Description("The pool's name or inventory path.")] string name,
        IProgress<ProgressNotificationValue> progress,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw ToolException.InvalidArgument(nameof(name), "name is required: give a resource pool's name or inventory path.");
        }
        var client = session.Client;
        var pool = await client.Lookup.FindAsync(VSphereObjectKind.ResourcePool, name, cancellationToken);
        var content = await client.Properties.RetrieveAsync(pool.Ref, ["parent", "vm"], cancellationToken);
        if (content.GetReference("parent") is not { Type: "ResourcePool" or "VirtualApp" } parent)
        {
            throw ToolException.Refused($"'{pool.Path}' is the root resource pool of its cluster or host, which cannot be deleted.", nameof(name));
        }
        var vms = content.GetReferences("vm");
        await client.DestroyAsync(pool.Ref, progress.ForVSphereTask($"Deleting {pool.Path}"), cancellationToken);
        if (await InventoryReads.ExistsAsync(client, pool.Ref, cancellationToken))
        {
            throw new VSphereException($"vSphere reported '{pool.Path}' deleted, but it still exists.");
        }
        var names = await InventoryReads.NamesAsync(client, vms, cancellationToken);
        return new ResourcePoolDeleted(pool.Path, Deleted: true, await InventoryReads.PathOfAsync(client, VSphereObjectKind.ResourcePool, parent, cancellationToken),
            names.Values.Order(StringComparer.Ordinal).ToArray());
    }

    private static ResourceAllocationInfo Allocation(long? reservation, string reservationArgument, long? limit, string limitArgument,
        string? shares, string sharesArgument)
    {
        if (reservation < 0)
        {
            throw ToolException.InvalidArgument(reservationArgument, $"{reservationArgument} must be 0 or more; got {reservation}.");
        }
        if (limit is < -1 or 0 || (limit > 0 && limit < reservation))
        {
            throw ToolException.InvalidArgument(limitArgument,
                $"{limitArgument} must be -1 (no limit) or a positive amount no lower than the reservation ({reservation ?? 0}); got {limit}.");
        }
        return new ResourceAllocationInfo
        {
            Reservation = reservation ?? 0,
            ExpandableReservation = true,
            Limit = limit ?? -1,
            Shares = Shares(shares, sharesArgument),
        };
    }

    /// <summary>A level by name, or a custom number of shares.</summary>
    private static SharesInfo Shares(string? shares, string argument)
    {
        var text = shares?.Trim() ?? "normal";
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var custom) && custom > 0)
        {
            return new SharesInfo { Level = SharesLevel.Custom, Shares = custom };
        }
        return text.ToLowerInvariant() switch
        {
            "low" => new SharesInfo { Level = SharesLevel.Low },
            "normal" => new SharesInfo { Level = SharesLevel.Normal },
            "high" => new SharesInfo { Level = SharesLevel.High },
            _ => throw ToolException.InvalidArgument(argument, $"{argument} '{shares}' is neither a level nor a positive number of shares.",
                [.. SharesLevels, "a positive number"]),
        };
    }
}

/// <summary>A pool's allocation of CPU (MHz) or memory (MB), as vSphere reports it.</summary>
/// <param name="Reservation">Guaranteed amount.</param>
/// <param name="Limit">Most it may use; -1 for no limit.</param>
/// <param name="ExpandableReservation">Whether the reservation may borrow from the parent.</param>
/// <param name="SharesLevel">low, normal, high or custom.</param>
/// <param name="Shares">The number of shares.</param>
public sealed record PoolAllocation(long? Reservation, long? Limit, bool? ExpandableReservation, string? SharesLevel, int? Shares)
{
    internal static PoolAllocation? From(VimObject? allocation)
    {
        if (allocation is null)
        {
            return null;
        }
        var info = new ResourceAllocationInfo(allocation);
        return new PoolAllocation(info.Reservation, info.Limit, info.ExpandableReservation,
            info.Shares?.Level.ToString().ToLowerInvariant(), info.Shares?.Shares);
    }
}

/// <summary>The result of create_resource_pool, read back from vSphere.</summary>
/// <param name="Path">The new pool's inventory path.</param>
/// <param name="Cpu">Its CPU allocation (MHz).</param>
/// <param name="Memory">Its memory allocation (MB).</param>
public sealed record ResourcePoolCreated(string Path, PoolAllocation? Cpu, PoolAllocation? Memory);

/// <summary>The result of delete_resource_pool.</summary>
/// <param name="Pool">The deleted pool's path.</param>
/// <param name="Deleted">True: vSphere no longer knows the pool.</param>
/// <param name="Parent">The parent pool, which received its VMs.</param>
/// <param name="VmsMovedToParent">The VMs it held.</param>
public sealed record ResourcePoolDeleted(string Pool, bool Deleted, string Parent, IReadOnlyList<string> VmsMovedToParent);
