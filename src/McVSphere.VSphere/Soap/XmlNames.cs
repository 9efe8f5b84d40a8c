namespace McVSphere.VSphere.Soap;

/// <summary>The XML namespaces of vim25 SOAP. Everything is matched by namespace URI, never by prefix: vCenter and
/// the simulator use different prefixes for the same namespace.</summary>
internal static class XmlNames
{
    public const string Vim25 = "urn:vim25";
    public const string SoapEnvelope = "http://schemas.xmlsoap.org/soap/envelope/";
    public const string XmlSchemaInstance = "http://www.w3.org/2001/XMLSchema-instance";
    public const string XmlSchema = "http://www.w3.org/2001/XMLSchema";

    /// <summary>The prefix of XML Schema type names, as read (<c>xsd:string</c>) and as requests declare it.</summary>
    public const string XmlSchemaPrefix = "xsd:";

    private static readonly HashSet<string> XmlSchemaTypes =
        ["string", "boolean", "byte", "short", "int", "long", "float", "double", "dateTime", "base64Binary", "anyURI", "anyType"];

    /// <summary>Whether a type name is one of XML Schema's: qualified as read (<c>xsd:int</c>), or unqualified as
    /// built in code (<c>int</c>, written as <c>xsd:int</c>).</summary>
    public static bool IsXmlSchemaType(string typeName) =>
        IsQualifiedXmlSchemaType(typeName) || XmlSchemaTypes.Contains(typeName);

    /// <summary>Whether a type name is an XML Schema type as read from the wire (<c>xsd:int</c>): the value was typed
    /// because it sits in an <c>anyType</c> field, and must be written back typed.</summary>
    public static bool IsQualifiedXmlSchemaType(string typeName) => typeName.StartsWith(XmlSchemaPrefix, StringComparison.Ordinal);
}
