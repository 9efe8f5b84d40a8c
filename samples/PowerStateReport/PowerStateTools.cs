using System.ComponentModel;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using ModelContextProtocol.Server;

namespace Contoso.McVSphere.PowerStateReport;

[McpServerToolType]
public sealed class PowerStateTools(IVSphereSession session)
{
    [McpServerTool(Name = "count_vms_by_power_state", UseStructuredContent = true), Description("Counts the VMs (templates excluded) in each power state, in one bulk read.")]
    [RequiresPermission(PermissionLevel.ReadOnly)]
    public async Task<PowerStateCounts> CountVmsByPowerState(CancellationToken cancellationToken)
    {
        var vms = await session.Client.Properties.RetrieveAsync("VirtualMachine", ["runtime.powerState", "config.template"], cancellationToken: cancellationToken);
        var counts = vms
            .Where(vm => vm["config.template"]?.AsBoolean() != true)
            .GroupBy(vm => vm["runtime.powerState"]?.AsString() ?? "unknown")
            .ToDictionary(group => group.Key, group => group.Count());
        return new PowerStateCounts(counts.Values.Sum(), counts);
    }
}

/// <summary>The report: total VMs and the count per power state (poweredOn, poweredOff, suspended).</summary>
public sealed record PowerStateCounts(int Total, IReadOnlyDictionary<string, int> ByPowerState);
