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
        if (await EnterAsync(response).ConfigureAwait(false))
        {
            do
            {
                if (response.LocalName == "returnval")
                {
                    values.Add(await VimValueReader.ReadAsync(response).ConfigureAwait(false));
                }
                else
                {
                    await response.SkipAsync().ConfigureAwait(false);
                }
            }
            while (await NextChildAsync(response).ConfigureAwait(false));
        }
        return values.Count switch
        {
            0 => null,
            1 => values[0],
            _ => new VimArray(null, values),
        };
    }

    /// <summary>
    /// Steps into the element the reader is on: true with the reader on its first child element, or false (and past
    /// the element) when it has none. Read each child to its end, then call <see cref="NextChildAsync"/>.
    /// </summary>
    public static async ValueTask<bool> EnterAsync(XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            await reader.ReadAsync().ConfigureAwait(false);
            return false;
        }
        await reader.ReadAsync().ConfigureAwait(false);
        return await NextChildAsync(reader).ConfigureAwait(false);
    }

    /// <summary>Moves to the next child element: true when on one, false (and past the parent's end) when there is none.</summary>
    public static async ValueTask<bool> NextChildAsync(XmlReader reader)
    {
        while (true)
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    return true;
                case XmlNodeType.EndElement:
                    await reader.ReadAsync().ConfigureAwait(false);
                    return false;
                case XmlNodeType.None:
                    throw new XmlException("The response ended inside an element.");
                default:
                    await reader.ReadAsync().ConfigureAwait(false);
                    break;
            }
        }
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
        if (await EnterAsync(reader).ConfigureAwait(false))
        {
            do
            {
                if (reader.LocalName == "faultstring")
                {
                    faultString = await reader.ReadElementContentAsStringAsync().ConfigureAwait(false);
                }
                else if (reader.LocalName == "detail" && await EnterAsync(reader).ConfigureAwait(false))
                {
                    do
                    {
                        // <InvalidPowerStateFault xsi:type="InvalidPowerState">: the type is the xsi:type, else the element name less "Fault".
                        var type = VimValueReader.ReadXsiType(reader) ?? TrimFaultSuffix(reader.LocalName);
                        var value = await VimValueReader.ReadAsync(reader).ConfigureAwait(false);
                        detailType ??= type;
                        detail ??= value as VimObject ?? new VimObject(type, []);
                    }
                    while (await NextChildAsync(reader).ConfigureAwait(false));
                }
                else
                {
                    await reader.SkipAsync().ConfigureAwait(false);
                }
            }
            while (await NextChildAsync(reader).ConfigureAwait(false));
        }
        return VimFaults.Create(detailType ?? "SystemError", faultString, detail);
    }

    private static string TrimFaultSuffix(string elementName) =>
        elementName.EndsWith("Fault", StringComparison.Ordinal) ? elementName[..^"Fault".Length] : elementName;
}
