using System.Xml;
using McVSphere.VSphere.Soap;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Properties;

/// <summary>One page of RetrievePropertiesEx or ContinueRetrievePropertiesEx, and the token of the next, if any.</summary>
internal sealed record RetrievePage(IReadOnlyList<ObjectContent> Objects, string? Token);

/// <summary>
/// Reads a <c>RetrieveResult</c> object by object as it streams in: each <c>objects</c> element becomes an
/// <see cref="ObjectContent"/> and nothing else of the response is kept. Hot path of bulk reads: plain loops, no
/// per-element delegates.
/// </summary>
internal static class RetrieveResultReader
{
    public static async ValueTask<RetrievePage> ReadAsync(XmlReader response)
    {
        var objects = new List<ObjectContent>();
        string? token = null;
        if (await SoapResponseReader.EnterAsync(response).ConfigureAwait(false))
        {
            do
            {
                if (response.LocalName != "returnval" || !await SoapResponseReader.EnterAsync(response).ConfigureAwait(false))
                {
                    if (response.NodeType == XmlNodeType.Element)
                    {
                        await response.SkipAsync().ConfigureAwait(false);
                    }
                    continue;
                }
                do
                {
                    switch (response.LocalName)
                    {
                        case "token":
                            token = await response.ReadElementContentAsStringAsync().ConfigureAwait(false);
                            break;
                        case "objects":
                            objects.Add(await ReadObjectAsync(response).ConfigureAwait(false));
                            break;
                        default:
                            await response.SkipAsync().ConfigureAwait(false);
                            break;
                    }
                }
                while (await SoapResponseReader.NextChildAsync(response).ConfigureAwait(false));
            }
            while (await SoapResponseReader.NextChildAsync(response).ConfigureAwait(false));
        }
        return new RetrievePage(objects, string.IsNullOrEmpty(token) ? null : token);
    }

    private static async ValueTask<ObjectContent> ReadObjectAsync(XmlReader reader)
    {
        ManagedObjectReference? reference = null;
        var properties = new Dictionary<string, VimValue>(StringComparer.Ordinal);
        List<MissingProperty>? missing = null;
        if (await SoapResponseReader.EnterAsync(reader).ConfigureAwait(false))
        {
            do
            {
                switch (reader.LocalName)
                {
                    case "obj":
                        reference = await VimValueReader.ReadAsync(reader).ConfigureAwait(false) as ManagedObjectReference;
                        break;
                    case "propSet":
                        await ReadPropertyAsync(reader, properties).ConfigureAwait(false);
                        break;
                    case "missingSet":
                        (missing ??= []).Add(await ReadMissingAsync(reader).ConfigureAwait(false));
                        break;
                    default:
                        await reader.SkipAsync().ConfigureAwait(false);
                        break;
                }
            }
            while (await SoapResponseReader.NextChildAsync(reader).ConfigureAwait(false));
        }

        if (reference is null)
        {
            throw new XmlException("A RetrievePropertiesEx object has no obj reference.");
        }
        if (missing is not null)
        {
            // vCenter reports a dead session as a fault; the simulator answers 200 with every property missing instead.
            // Any other missing property is an error too: vCenter leaves unset properties out of propSet, so missingSet
            // means the value could not be read (no permission, a path it rejects, a server-side failure).
            var first = missing.Find(property => property.FaultType == VimFaultTypes.NotAuthenticated) ?? missing[0];
            throw first.FaultType == VimFaultTypes.NotAuthenticated
                ? VimFaults.Create(VimFaultTypes.NotAuthenticated, first.Message, null)
                : VimFaults.MissingProperty(reference, first.Path, first.FaultType, first.Message, first.Fault);
        }
        return new ObjectContent(reference, properties);
    }

    private static async ValueTask ReadPropertyAsync(XmlReader reader, Dictionary<string, VimValue> properties)
    {
        string? name = null;
        VimValue? value = null;
        if (await SoapResponseReader.EnterAsync(reader).ConfigureAwait(false))
        {
            do
            {
                switch (reader.LocalName)
                {
                    case "name":
                        // Every object repeats the same paths: keep one string per path.
                        name = reader.NameTable.Add(await reader.ReadElementContentAsStringAsync().ConfigureAwait(false));
                        break;
                    case "val":
                        value = await VimValueReader.ReadAsync(reader).ConfigureAwait(false);
                        break;
                    default:
                        await reader.SkipAsync().ConfigureAwait(false);
                        break;
                }
            }
            while (await SoapResponseReader.NextChildAsync(reader).ConfigureAwait(false));
        }
        if (name is not null && value is not null)
        {
            properties[name] = value;
        }
    }

    private static async ValueTask<MissingProperty> ReadMissingAsync(XmlReader reader)
    {
        var path = "";
        VimObject? localizedFault = null;
        if (await SoapResponseReader.EnterAsync(reader).ConfigureAwait(false))
        {
            do
            {
                switch (reader.LocalName)
                {
                    case "path":
                        path = await reader.ReadElementContentAsStringAsync().ConfigureAwait(false);
                        break;
                    case "fault":
                        localizedFault = await VimValueReader.ReadAsync(reader).ConfigureAwait(false) as VimObject;
                        break;
                    default:
                        await reader.SkipAsync().ConfigureAwait(false);
                        break;
                }
            }
            while (await SoapResponseReader.NextChildAsync(reader).ConfigureAwait(false));
        }
        var fault = localizedFault?.GetObject("fault");
        return new MissingProperty(path, fault?.TypeName ?? "SystemError", localizedFault?.GetString("localizedMessage"), fault);
    }

    /// <summary>A property the server could not return for an object, and why.</summary>
    private sealed record MissingProperty(string Path, string FaultType, string? Message, VimObject? Fault);
}
