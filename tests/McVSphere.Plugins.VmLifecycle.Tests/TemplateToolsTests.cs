namespace McVSphere.Plugins.VmLifecycle.Tests;

public sealed class TemplateToolsTests(VmLifecycleFixture fixture) : IClassFixture<VmLifecycleFixture>
{
    [Fact]
    public async Task Convert_to_template_and_back_changes_what_vsphere_reports()
    {
        var name = await fixture.CreateVmAsync("template");

        var template = await fixture.Client.CallJsonAsync("convert_to_template", new { vm_name = name });
        Assert.True(template.GetProperty("vm").GetProperty("template").GetBoolean());
        Assert.True((await fixture.ReadVmAsync(name, "config.template")).GetBoolean("config.template"));
        Assert.True((await fixture.Client.CallJsonAsync("convert_to_template", new { vm_name = name })).GetProperty("already_in_state").GetBoolean());
        Assert.Contains("is a template", await fixture.Client.CallErrorAsync("power_on", new { name }));

        var vm = await fixture.Client.CallJsonAsync("convert_to_vm", new { template_name = name });
        Assert.False(vm.GetProperty("vm").GetProperty("template").GetBoolean());
        var content = await fixture.ReadVmAsync(name, "config.template", "resourcePool");
        Assert.False(content.GetBoolean("config.template"));
        Assert.NotNull(content.GetReference("resourcePool"));
        Assert.True((await fixture.Client.CallJsonAsync("convert_to_vm", new { template_name = name })).GetProperty("already_in_state").GetBoolean());
    }

    [Fact]
    public async Task Convert_to_template_refuses_a_running_vm()
    {
        var name = await fixture.CreateVmAsync("template-on");
        await fixture.Client.CallJsonAsync("power_on", new { name });

        Assert.Contains("powered-off", await fixture.Client.CallErrorAsync("convert_to_template", new { vm_name = name }));
        Assert.False((await fixture.ReadVmAsync(name, "config.template")).GetBoolean("config.template"));
    }

    [Fact]
    public async Task Convert_to_vm_puts_the_vm_in_the_pool_given()
    {
        var name = await fixture.CreateVmAsync("template-pool");
        await fixture.Client.CallJsonAsync("convert_to_template", new { vm_name = name });

        await fixture.Client.CallJsonAsync("convert_to_vm", new { template_name = name, resource_pool = "DC0_H0" });

        var pool = (await fixture.ReadVmAsync(name, "resourcePool")).GetReference("resourcePool")!;
        var owner = (await fixture.VSphere.Properties.RetrieveAsync(pool, ["owner"])).GetReference("owner")!;
        Assert.Equal("DC0_H0", (await fixture.VSphere.Properties.RetrieveAsync(owner, ["name"])).GetString("name"));
    }

    [Fact]
    public async Task Deploy_from_template_creates_a_running_vm_on_the_datastore_given()
    {
        var template = await fixture.CreateVmAsync("golden");
        await fixture.Client.CallJsonAsync("convert_to_template", new { vm_name = template });
        var name = fixture.UniqueName("deployed");

        var result = await fixture.Client.CallJsonAsync("deploy_from_template",
            new { template_name = template, new_vm_name = name, datastore = "LocalDS_1", power_on = true });

        Assert.Equal(template, result.GetProperty("source").GetString());
        var content = await fixture.ReadVmAsync(name, "runtime.powerState", "config.template", "resourcePool", "datastore");
        Assert.Equal("poweredOn", content.GetString("runtime.powerState"));
        Assert.False(content.GetBoolean("config.template"));
        Assert.NotNull(content.GetReference("resourcePool"));
        var datastore = Assert.Single(content.GetReferences("datastore"));
        Assert.Equal("LocalDS_1", (await fixture.VSphere.Properties.RetrieveAsync(datastore, ["name"])).GetString("name"));

        Assert.Contains("already exists", await fixture.Client.CallErrorAsync("deploy_from_template", new { template_name = template, new_vm_name = name }));
        Assert.Contains("No template named", await fixture.Client.CallErrorAsync("deploy_from_template", new { template_name = name, new_vm_name = "x" }));
    }

    [Fact]
    public async Task Deploy_from_template_puts_the_vm_in_the_datacenters_vm_folder_unless_given_one()
    {
        var template = await fixture.CreateVmAsync("filed-golden");
        var folder = fixture.UniqueName("templates");
        var target = fixture.UniqueName("deployed-to");
        await fixture.Client.CallJsonAsync("create_folder", new { folder_name = folder });
        await fixture.Client.CallJsonAsync("create_folder", new { folder_name = target });
        await fixture.Client.CallJsonAsync("move_vm_to_folder", new { vm_name = template, folder_path = folder });
        await fixture.Client.CallJsonAsync("convert_to_template", new { vm_name = template });

        var beside = fixture.UniqueName("in-dc-folder");
        await fixture.Client.CallJsonAsync("deploy_from_template", new { template_name = template, new_vm_name = beside });
        var inFolder = fixture.UniqueName("in-folder");
        await fixture.Client.CallJsonAsync("deploy_from_template", new { template_name = template, new_vm_name = inFolder, folder = $"vm/{target}" });

        Assert.Equal("vm", await ParentNameAsync(beside));
        Assert.Equal(target, await ParentNameAsync(inFolder));
        Assert.Contains("folder", await fixture.Client.CallErrorAsync("deploy_from_template",
            new { template_name = template, new_vm_name = fixture.UniqueName("nowhere"), folder = "no-such-folder" }));
    }

    private async Task<string?> ParentNameAsync(string vm)
    {
        var parent = (await fixture.ReadVmAsync(vm, "parent")).GetReference("parent")!;
        return (await fixture.VSphere.Properties.RetrieveAsync(parent, ["name"])).GetString("name");
    }
}
