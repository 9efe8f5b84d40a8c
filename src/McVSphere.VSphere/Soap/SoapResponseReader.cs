using System.Xml;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Soap;

/// <summary>Reads a response function of one method: called with the reader on the <c>&lt;MethodResponse&gt;</c> element.</summary>
internal delegate ValueTask<T> SoapResultReader<T>(XmlReader response);

/// <summary>
/// Streams a SOAP response: finds the body, raises a <see cref="VimFaultException"/> for a fault, and otherwise hands the
/// response element to the method's result reader, which reads as it goes (no DOM of the whole response).
/// </summary>
internal static class SoapResponseReader
{
    private static readonly XmlReaderSettings Settings = new()
    {
        Async = true,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        CloseInput = false,
    };

    public static async Task<T> ReadAsync<T>(Stream body, SoapResultReader<T> readResult)
    {
        using var reader = XmlReader.Create(body, Settings);
        await MoveToBodyContentAsync(reader).ConfigureAwait(false);
        if (reader.LocalName == "Fault" && reader.NamespaceURI == XmlNames.SoapEnvelope)
        {
            throw await ReadFaultAsync(reader).ConfigureAwait(false);
        }
        return await readResult(reader).ConfigureAwait(false);
    }

    /// <summary>The generic result: the <c>returnval</c> elements, one value (or an array when there are several), or null.</summary>
    public static async ValueTask<VimValue?> ReadReturnValueAsync(XmlReader response)
    {
        var values = new List<VimValue>();
        await ForEachChildAsync(response, async child =>
        {
            if (child.LocalName == "returnval")
            {
                values.Add(await VimValueReader.ReadAsync(child).ConfigureAwait(false));
            }
            else
            {
                await child.SkipAsync().ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        return values.Count switch
        {
            0 => null,
            1 => values[0],
            _ => new VimArray(null, values),
        };
    }

    /// <summary>
    /// Calls <paramref name="readChild"/> for each child element of the element the reader is on, which must consume
    /// that child; leaves the reader after the element's end.
    /// </summary>
    public static async ValueTask ForEachChildAsync(XmlReader reader, Func<XmlReader, ValueTask> readChild)
    {
        if (reader.IsEmptyElement)
        {
            await reader.ReadAsync().ConfigureAwait(false);
            return;
        }
        await reader.ReadAsync().ConfigureAwait(false);
        while (reader.NodeType != XmlNodeType.EndElement)
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                await readChild(reader).ConfigureAwait(false);
            }
            else
            {
                await reader.ReadAsync().ConfigureAwait(false);
            }
        }
        await reader.ReadAsync().ConfigureAwait(false);
    }

    private static async Task MoveToBodyContentAsync(XmlReader reader)
    {
        var inBody = false;
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }
            if (inBody)
            {
                return;
            }
            inBody = reader.LocalName == "Body" && reader.NamespaceURI == XmlNames.SoapEnvelope;
        }
        throw new XmlException("The response has no SOAP body content.");
    }

    private static async Task<VimFaultException> ReadFaultAsync(XmlReader reader)
    {
        string? faultString = null;
        VimObject? detail = null;
        string? detailType = null;
        await ForEachChildAsync(reader, async child =>
        {
            switch (child.LocalName)
            {
                case "faultstring":
                    faultString = await child.ReadElementContentAsStringAsync().ConfigureAwait(false);
                    break;
                case "detail":
                    await ForEachChildAsync(child, async faultElement =>
                    {
                        // <InvalidPowerStateFault xsi:type="InvalidPowerState">: the type is the xsi:type, else the element name less "Fault".
                        detailType ??= VimValueReader.ReadXsiType(faultElement) ?? TrimFaultSuffix(faultElement.LocalName);
                        var value = await VimValueReader.ReadAsync(faultElement).ConfigureAwait(false);
                        detail ??= value as VimObject ?? new VimObject(detailType, []);
                    }).ConfigureAwait(false);
                    break;
                default:
                    await child.SkipAsync().ConfigureAwait(false);
                    break;
            }
        }).ConfigureAwait(false);
        return VimFaults.Create(detailType ?? "SystemError", faultString, detail);
    }

    private static string TrimFaultSuffix(string elementName) =>
        elementName.EndsWith("Fault", StringComparison.Ordinal) ? elementName[..^"Fault".Length] : elementName;
}
