using System.Xml;
using McVSphere.VSphere.Soap;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Properties;

/// <summary>One page of RetrievePropertiesEx or ContinueRetrievePropertiesEx, and the token of the next, if any.</summary>
internal sealed record RetrievePage(IReadOnlyList<ObjectContent> Objects, string? Token);

/// <summary>
/// Reads a <c>RetrieveResult</c> object by object as it streams in: each <c>objects</c> element becomes an
/// <see cref="ObjectContent"/> and nothing else of the response is kept.
/// </summary>
internal static class RetrieveResultReader
{
    public static async ValueTask<RetrievePage> ReadAsync(XmlReader response)
    {
        var objects = new List<ObjectContent>();
        string? token = null;
        await SoapResponseReader.ForEachChildAsync(response, async returnValue =>
        {
            if (returnValue.LocalName != "returnval")
            {
                await returnValue.SkipAsync().ConfigureAwait(false);
                return;
            }
            await SoapResponseReader.ForEachChildAsync(returnValue, async child =>
            {
                switch (child.LocalName)
                {
                    case "token":
                        token = await child.ReadElementContentAsStringAsync().ConfigureAwait(false);
                        break;
                    case "objects":
                        objects.Add(await ReadObjectAsync(child).ConfigureAwait(false));
                        break;
                    default:
                        await child.SkipAsync().ConfigureAwait(false);
                        break;
                }
            }).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return new RetrievePage(objects, string.IsNullOrEmpty(token) ? null : token);
    }

    private static async ValueTask<ObjectContent> ReadObjectAsync(XmlReader objectElement)
    {
        ManagedObjectReference? reference = null;
        var properties = new Dictionary<string, VimValue>(StringComparer.Ordinal);
        List<MissingProperty>? missing = null;
        await SoapResponseReader.ForEachChildAsync(objectElement, async child =>
        {
            switch (child.LocalName)
            {
                case "obj":
                    reference = await VimValueReader.ReadAsync(child).ConfigureAwait(false) as ManagedObjectReference;
                    break;
                case "propSet":
                    var (name, value) = await ReadPropertyAsync(child).ConfigureAwait(false);
                    if (name is not null && value is not null)
                    {
                        properties[name] = value;
                    }
                    break;
                case "missingSet":
                    (missing ??= []).Add(await ReadMissingAsync(child).ConfigureAwait(false));
                    break;
                default:
                    await child.SkipAsync().ConfigureAwait(false);
                    break;
            }
        }).ConfigureAwait(false);

        if (reference is null)
        {
            throw new XmlException("A RetrievePropertiesEx object has no obj reference.");
        }
        // vCenter reports a dead session as a fault; the simulator answers 200 with every property missing instead.
        if (missing?.Find(property => property.FaultType == VimFaultTypes.NotAuthenticated) is { } unauthenticated)
        {
            throw VimFaults.Create(VimFaultTypes.NotAuthenticated, unauthenticated.Message, null);
        }
        return new ObjectContent(reference, properties, (IReadOnlyList<MissingProperty>?)missing ?? []);
    }

    private static async ValueTask<(string? Name, VimValue? Value)> ReadPropertyAsync(XmlReader propSet)
    {
        string? name = null;
        VimValue? value = null;
        await SoapResponseReader.ForEachChildAsync(propSet, async child =>
        {
            switch (child.LocalName)
            {
                case "name":
                    name = await child.ReadElementContentAsStringAsync().ConfigureAwait(false);
                    break;
                case "val":
                    value = await VimValueReader.ReadAsync(child).ConfigureAwait(false);
                    break;
                default:
                    await child.SkipAsync().ConfigureAwait(false);
                    break;
            }
        }).ConfigureAwait(false);
        return (name, value);
    }

    private static async ValueTask<MissingProperty> ReadMissingAsync(XmlReader missingSet)
    {
        string path = "";
        VimObject? fault = null;
        string? message = null;
        await SoapResponseReader.ForEachChildAsync(missingSet, async child =>
        {
            switch (child.LocalName)
            {
                case "path":
                    path = await child.ReadElementContentAsStringAsync().ConfigureAwait(false);
                    break;
                case "fault":
                    var localized = (await VimValueReader.ReadAsync(child).ConfigureAwait(false)) as VimObject;
                    fault = localized?.GetObject("fault");
                    message = localized?.GetString("localizedMessage");
                    break;
                default:
                    await child.SkipAsync().ConfigureAwait(false);
                    break;
            }
        }).ConfigureAwait(false);
        return new MissingProperty(path, fault?.TypeName ?? "SystemError", message);
    }
}
