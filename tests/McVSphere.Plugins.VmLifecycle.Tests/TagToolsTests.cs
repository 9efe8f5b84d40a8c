using McVSphere.Testing;
using McVSphere.VSphere.Rest;

namespace McVSphere.Plugins.VmLifecycle.Tests;

public sealed class TagToolsTests(VmLifecycleFixture fixture) : IClassFixture<VmLifecycleFixture>
{
    private TaggingClient Tagging => fixture.VSphere.Tagging;

    [Fact]
    public async Task Applies_and_removes_a_tag_as_the_tagging_service_then_reports()
    {
        var name = await fixture.CreateBareVmAsync("tags");
        var category = fixture.UniqueName("owner");
        var categoryId = await Tagging.CreateCategoryAsync(category, associableTypes: ["VirtualMachine"]);
        var tagId = await Tagging.CreateTagAsync(categoryId, "team-a");

        var applied = await fixture.Client.CallJsonAsync("apply_tag_to_vm", new { vm_name = name, tag_name = "team-a" });
        Assert.True(applied.GetProperty("changed").GetBoolean());
        Assert.Equal(category, Assert.Single(applied.GetProperty("tags").EnumerateArray()).GetProperty("category").GetString());
        Assert.Equal([tagId], await AttachedTagIdsAsync(name));

        var again = await fixture.Client.CallJsonAsync("apply_tag_to_vm", new { vm_name = name, tag_name = "team-a", category_name = category });
        Assert.False(again.GetProperty("changed").GetBoolean());
        Assert.Equal([tagId], await AttachedTagIdsAsync(name));

        var removed = await fixture.Client.CallJsonAsync("remove_tag_from_vm", new { vm_name = name, tag_name = "team-a" });
        Assert.True(removed.GetProperty("changed").GetBoolean());
        Assert.Equal(0, removed.GetProperty("tags").GetArrayLength());
        Assert.Empty(await AttachedTagIdsAsync(name));
        Assert.False((await fixture.Client.CallJsonAsync("remove_tag_from_vm", new { vm_name = name, tag_name = "team-a" })).GetProperty("changed").GetBoolean());
    }

    [Fact]
    public async Task Tells_apart_tags_of_the_same_name_by_category_and_suggests_names()
    {
        var name = await fixture.CreateBareVmAsync("tags-same");
        var staging = fixture.UniqueName("stage");
        var tier = fixture.UniqueName("tier");
        await Tagging.CreateTagAsync(await Tagging.CreateCategoryAsync(staging), "gold");
        var tierGold = await Tagging.CreateTagAsync(await Tagging.CreateCategoryAsync(tier), "gold");

        var ambiguous = await fixture.Client.CallErrorAsync("apply_tag_to_vm", new { vm_name = name, tag_name = "gold" });
        Assert.Contains("category_name", ambiguous, StringComparison.Ordinal);
        Assert.Contains(staging, ambiguous, StringComparison.Ordinal);
        Assert.Contains(tier, ambiguous, StringComparison.Ordinal);
        Assert.Empty(await AttachedTagIdsAsync(name));

        await fixture.Client.CallJsonAsync("apply_tag_to_vm", new { vm_name = name, tag_name = "gold", category_name = tier });
        Assert.Equal([tierGold], await AttachedTagIdsAsync(name));

        var tag = await fixture.Client.CallErrorAsync("apply_tag_to_vm", new { vm_name = name, tag_name = "golt", category_name = tier });
        Assert.Contains("tag_name", tag, StringComparison.Ordinal);
        Assert.Contains("'gold'", tag, StringComparison.Ordinal);
        var category = await fixture.Client.CallErrorAsync("remove_tag_from_vm", new { vm_name = name, tag_name = "gold", category_name = tier + "x" });
        Assert.Contains("category_name", category, StringComparison.Ordinal);
        Assert.Contains(tier, category, StringComparison.Ordinal);
        Assert.Equal([tierGold], await AttachedTagIdsAsync(name));
    }

    [Fact]
    public async Task Refuses_what_vsphere_refuses_a_second_single_tag_or_a_category_not_for_vms()
    {
        var name = await fixture.CreateBareVmAsync("tags-rules");
        var single = await Tagging.CreateCategoryAsync(fixture.UniqueName("env"), cardinality: TagCardinality.Single);
        var production = await Tagging.CreateTagAsync(single, "production");
        await Tagging.CreateTagAsync(single, "test");
        var hostsOnly = await Tagging.CreateCategoryAsync(fixture.UniqueName("rack"), associableTypes: ["HostSystem"]);
        await Tagging.CreateTagAsync(hostsOnly, "rack-1");

        await fixture.Client.CallJsonAsync("apply_tag_to_vm", new { vm_name = name, tag_name = "production" });
        var second = await fixture.Client.CallErrorAsync("apply_tag_to_vm", new { vm_name = name, tag_name = "test" });
        Assert.Contains("'production'", second, StringComparison.Ordinal);
        Assert.Contains("remove_tag_from_vm", second, StringComparison.Ordinal);
        var notForVms = await fixture.Client.CallErrorAsync("apply_tag_to_vm", new { vm_name = name, tag_name = "rack-1" });
        Assert.Contains("HostSystem", notForVms, StringComparison.Ordinal);

        Assert.Equal([production], await AttachedTagIdsAsync(name));
    }

    private async Task<string[]> AttachedTagIdsAsync(string vmName) =>
        (await Tagging.ListAttachedTagsAsync(await fixture.FindVmAsync(vmName))).Select(tag => tag.Id).ToArray();
}
