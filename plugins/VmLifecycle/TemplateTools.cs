using System.ComponentModel;
using McVSphere.Sdk.Errors;
using McVSphere.Sdk.Progress;
using McVSphere.Sdk.Safety;
using McVSphere.Sdk.Security;
using McVSphere.Sdk.Session;
using McVSphere.VSphere.Vim;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace McVSphere.Plugins.VmLifecycle;

/// <summary>Templates: turning VMs into templates and back, and deploying new VMs from them.</summary>
[McpServerToolType]
public sealed class TemplateTools(IVSphereSession session)
{
    [McpServerTool(Name = "convert_to_template", Idempotent = true, UseStructuredContent = true)]
    [Description("Marks a powered-off VM as a template (it can then only be cloned or deployed from, not powered on). Says so when it already is one.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("turn VM '{vm_name}' into a template")]
    public async Task<TemplateConversion> ConvertToTemplate(
        [Description("Name or inventory path of the VM.")] string vm_name,
        CancellationToken cancellationToken = default)
    {
        var client = session.Client;
        var vm = await client.FindVmAsync(vm_name, nameof(vm_name), VmReads.Placement, cancellationToken);
        if (vm.IsTemplate)
        {
            return await ReadBackAsync(vm, $"'{vm.Name}' is already a template; nothing was changed.", alreadyInState: true, cancellationToken);
        }
        if (vm.PowerState != PowerStates.PoweredOff)
        {
            throw ToolException.Refused($"'{vm.Name}' is {vm.PowerState}; only a powered-off VM can become a template. " +
                "Shut it down first (shutdown_guest, or power_off).", nameof(vm_name));
        }
        await client.MarkAsTemplateAsync(vm.Ref, cancellationToken);
        return await ReadBackAsync(vm, $"'{vm.Name}' is now a template.", alreadyInState: false, cancellationToken);
    }

    [McpServerTool(Name = "convert_to_vm", Idempotent = true, UseStructuredContent = true)]
    [Description("Turns a template back into a powered-off VM, in the resource pool given (default: the configured cluster's, else the " +
        "root pool of the template's host). In a cluster without DRS it goes to host_name, else to the template's host or another connected " +
        "host outside maintenance mode that mounts its datastores. Says so when it is already a VM.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("turn template '{template_name}' back into a VM (resource pool: {resource_pool})")]
    public async Task<TemplateConversion> ConvertToVm(
        [Description("Name or inventory path of the template.")] string template_name,
        [Description("Resource pool (name or path), or a cluster or host for its root pool.")] string? resource_pool = null,
        [Description(VmTools.HostNameDescription)] string? host_name = null,
        CancellationToken cancellationToken = default)
    {
        var client = session.Client;
        var template = await client.FindVmAsync(template_name, nameof(template_name), VmReads.Placement, cancellationToken);
        if (!template.IsTemplate)
        {
            return await ReadBackAsync(template, $"'{template.Name}' is already a VM; nothing was changed.", alreadyInState: true, cancellationToken);
        }
        var placement = await VmPlacement.ReadAsync(session, cancellationToken);
        var pool = resource_pool is null
            ? placement.PoolForCopyOf(template.Name, template.ResourcePool, template.Host)
            : placement.FindPool(resource_pool, nameof(resource_pool));
        var host = placement.ChooseHost(placement.ForPool(pool), template.Datastores, template.Networks, host_name, nameof(host_name), template.Host);
        await client.MarkAsVirtualMachineAsync(template.Ref, pool, host?.Ref, cancellationToken);
        return await ReadBackAsync(template, $"'{template.Name}' is now a VM.", alreadyInState: false, cancellationToken);
    }

    [McpServerTool(Name = "deploy_from_template", UseStructuredContent = true)]
    [Description("Deploys a new VM from a template into the datacenter's VM folder (or folder) and the configured cluster's pool (else the " +
        "template host's), optionally on another datastore, and powers it on when asked. In a cluster without DRS it goes to host_name, else to a usable host. Refuses a name " +
        "another VM already has. Reports the clone task's progress; cancelling the " +
        "request cancels the deployment.")]
    [RequiresPermission(PermissionLevel.VmLifecycle)]
    [Change("deploy a new VM '{new_vm_name}' from template '{template_name}'")]
    public async Task<ClonedVm> DeployFromTemplate(
        [Description("Name or inventory path of the template.")] string template_name,
        [Description("Name of the new VM (unique, at most 80 characters, no '/').")] string new_vm_name,
        IProgress<ProgressNotificationValue> progress,
        [Description("Datastore for the new VM; default: the template's.")] string? datastore = null,
        [Description("Power the new VM on once deployed.")] bool power_on = false,
        [Description(VmTools.HostNameDescription)] string? host_name = null,
        [Description(VSphereProgressExtensions.TimeoutArgumentDescription)] int? timeout_s = null,
        [Description("VM folder for the new VM, by name or path (e.g. Prod/Web); default: the datacenter's VM folder, as in the original mcvsphere.")]
        string? folder = null,
        CancellationToken cancellationToken = default)
    {
        VmLocator.RequireName(new_vm_name, nameof(new_vm_name));
        var template = await session.Client.FindTemplateAsync(template_name, nameof(template_name), VmReads.Placement, cancellationToken);
        return await VmCloning.CloneAsync(session, template, new_vm_name, nameof(new_vm_name), new CloneFolder(folder, nameof(folder), DatacenterFolder: true),
            datastore, host_name, power_on, progress, timeout_s, cancellationToken);
    }

    private async Task<TemplateConversion> ReadBackAsync(LocatedVm vm, string message, bool alreadyInState, CancellationToken cancellationToken) =>
        new(await VmSummary.ReadAsync(session.Client, vm.Ref, cancellationToken), message, alreadyInState);
}

/// <summary>The result of convert_to_template and convert_to_vm, read back from vSphere.</summary>
/// <param name="Vm">The VM or template now.</param>
/// <param name="Message">What was done.</param>
/// <param name="AlreadyInState">True when it already was what was asked.</param>
public sealed record TemplateConversion(VmSummary Vm, string Message, bool AlreadyInState = false);
