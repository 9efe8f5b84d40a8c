namespace McVSphere.VSphere.Soap;

/// <summary>The XML namespaces of vim25 SOAP. Everything is matched by namespace URI, never by prefix: vCenter and
/// the simulator use different prefixes for the same namespace.</summary>
internal static class XmlNames
{
    public const string Vim25 = "urn:vim25";
    public const string SoapEnvelope = "http://schemas.xmlsoap.org/soap/envelope/";
    public const string XmlSchemaInstance = "http://www.w3.org/2001/XMLSchema-instance";
    public const string XmlSchema = "http://www.w3.org/2001/XMLSchema";

    private static readonly HashSet<string> XmlSchemaTypes =
        ["string", "boolean", "byte", "short", "int", "long", "float", "double", "dateTime", "base64Binary", "anyURI", "anyType"];

    /// <summary>Whether a type name read without its namespace is one of XML Schema's (written back as <c>xsd:</c>).</summary>
    public static bool IsXmlSchemaType(string typeName) => XmlSchemaTypes.Contains(typeName);
}
