namespace McVSphere.Sdk.Resources;

/// <summary>
/// Marks a listing tool whose items each have a resource: the host adds a <c>resource_link</c> per item of the result's
/// <c>items</c> to the answer, the item's <c>name</c> filling the URI template, so that a client can read one item
/// without another tool call.
/// </summary>
/// <param name="uriTemplate">The item resource's URI template, with one variable, e.g. <c>esxi://vms/{vm_name}</c>.</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class LinksItemsToAttribute(string uriTemplate) : Attribute
{
    /// <summary>The item resource's URI template.</summary>
    public string UriTemplate { get; } = uriTemplate;
}
