using System.Text;
using System.Xml;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Soap;

/// <summary>Writes the SOAP envelope of one vim25 method call: <c>&lt;Method&gt;&lt;_this/&gt;arguments…&lt;/Method&gt;</c>.</summary>
internal static class SoapRequest
{
    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = false,
        CloseOutput = false,
    };

    public static byte[] Write(string method, ManagedObjectReference target, IEnumerable<VimArgument>? arguments)
    {
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, Settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("soapenv", "Envelope", XmlNames.SoapEnvelope);
            xml.WriteAttributeString("xmlns", "xsd", null, XmlNames.XmlSchema);
            xml.WriteAttributeString("xmlns", "xsi", null, XmlNames.XmlSchemaInstance);
            xml.WriteStartElement("Body", XmlNames.SoapEnvelope);
            xml.WriteStartElement(method, XmlNames.Vim25);
            var writer = new VimXmlWriter(xml);
            writer.Write("_this", target);
            foreach (var argument in arguments ?? [])
            {
                argument.WriteTo(writer);
            }
            xml.WriteEndDocument();
        }
        return buffer.ToArray();
    }
}
