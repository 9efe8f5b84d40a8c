using McVSphere.Host.Mcp;

namespace McVSphere.Tests;

/// <summary>How a listed item's name fills its resource's URI template, and which templates the loader takes.</summary>
public class ResourceLinkFilterTests
{
    [Theory]
    [InlineData("esxi://vms/{vm_name}", "web-01", "esxi://vms/web-01")]
    [InlineData("esxi://vms/{vm_name}", "Prod/Web 01?", "esxi://vms/Prod%2FWeb%2001%3F")]
    [InlineData("datastore://{datastore_name}", "[ds] x", "datastore://%5Bds%5D%20x")]
    public void A_name_fills_the_one_variable_escaped(string template, string name, string expected)
    {
        Assert.True(ResourceLinkFilter.HasOneVariable(template));
        Assert.Equal(expected, ResourceLinkFilter.Expand(template, name));
    }

    [Theory]
    [InlineData("esxi://vms")]
    [InlineData("esxi://{dc}/vms/{vm_name}")]
    public void A_template_without_exactly_one_variable_is_refused(string template) =>
        Assert.False(ResourceLinkFilter.HasOneVariable(template));
}
