using McVSphere.Testing;

namespace McVSphere.Plugins.Inventory.Tests;

[Collection(InventoryCollection.Name)]
public class TagTests(InventoryFixture fixture)
{
    [Fact]
    public async Task List_tags_returns_every_tag_with_its_category()
    {
        var result = await fixture.Client.CallJsonAsync("list_tags");

        Assert.Equal(3, result.Int("count"));
        var tags = result.Array("tags");
        Assert.Equal(["prod", "test", "team-a"], tags.Strings());
        Assert.Equal(["Environment", "Environment", "Owner"], tags.Strings("category"));
        Assert.Equal("Production", tags[0].String("description"));
        var categories = result.Array("categories");
        Assert.Equal(["Environment", "Owner"], categories.Strings());
        Assert.Equal("SINGLE", categories[0].String("cardinality"));
        Assert.Equal(["VirtualMachine"], categories[0].Strings("associable_types"));
        Assert.Equal(2, categories[0].Int("tag_count"));
        Assert.Equal("MULTIPLE", categories[1].String("cardinality"));
    }

    [Fact]
    public async Task List_tags_filters_by_category_and_suggests_names()
    {
        var environment = await fixture.Client.CallJsonAsync("list_tags", new { category_name = "environment" });
        var error = await fixture.Client.CallErrorAsync("list_tags", new { category_name = "Enviroment" });

        Assert.Equal(["prod", "test"], environment.Array("tags").Strings());
        Assert.Equal(["Environment"], environment.Array("categories").Strings());
        Assert.Contains("no tag category named 'Enviroment'", error);
        Assert.Contains("Environment", error);
    }

    [Fact]
    public async Task Get_vm_tags_returns_the_tags_attached_to_a_vm()
    {
        var tagged = await fixture.Client.CallJsonAsync("get_vm_tags", new { vm_name = InventoryFixture.TaggedVm });
        var untagged = await fixture.Client.CallJsonAsync("get_vm_tags", new { vm_name = "DC0_C0_RP0_VM0" });
        var unknown = await fixture.Client.CallErrorAsync("get_vm_tags", new { vm_name = "DC0_H0_VM00" });

        Assert.Equal(InventoryFixture.TaggedVm, tagged.String("vm"));
        Assert.Equal(2, tagged.Int("count"));
        Assert.Equal(["prod", "team-a"], tagged.Array("tags").Strings());
        Assert.Equal(["Environment", "Owner"], tagged.Array("tags").Strings("category"));
        Assert.Equal(0, untagged.Int("count"));
        Assert.Contains("'DC0_H0_VM0'", unknown);
    }
}
