using System.Xml;
using System.Xml.Linq;
using McVSphere.Sdk.Errors;

namespace McVSphere.Plugins.OvfOps;

/// <summary>A file an OVF descriptor references (<c>References/File</c>).</summary>
/// <param name="Id">Its ovf:id, which disks refer to.</param>
/// <param name="Href">Its path relative to the descriptor (ovf:href).</param>
/// <param name="Size">Its declared size in bytes (ovf:size).</param>
/// <param name="Compression">ovf:compression (gzip...), if any.</param>
/// <param name="ChunkSize">ovf:chunkSize, if the file is split in chunks.</param>
internal sealed record OvfFileReference(string Id, string Href, long? Size, string? Compression, long? ChunkSize);

/// <summary>A network of an OVF descriptor's NetworkSection, with the adapters of its hardware connected to it.</summary>
internal sealed record OvfNetwork(string Name, string? Description, IReadOnlyList<string> Adapters);

/// <summary>
/// What McVSphere reads from an OVF descriptor itself (OVF 1.x and 2.x): the files it references, its networks and
/// the adapters connected to them, and the virtual system's name. vSphere reads the rest (CreateImportSpec).
/// </summary>
internal sealed record OvfDescriptor(string Xml, string? VirtualSystemName, IReadOnlyList<OvfFileReference> Files, IReadOnlyList<OvfNetwork> Networks)
{
    /// <summary>Descriptors are a few kilobytes; this bounds what is read before the XML is even looked at.</summary>
    public const int MaxBytes = 16 << 20;

    private static readonly XmlReaderSettings SafeXml = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = MaxBytes,
    };

    /// <summary>Parses a descriptor; <paramref name="argument"/> and <paramref name="source"/> name it in errors.</summary>
    /// <exception cref="ToolException">It is not XML, or not an OVF envelope.</exception>
    public static OvfDescriptor Parse(string xml, string argument, string source)
    {
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), SafeXml);
            document = XDocument.Load(reader);
        }
        catch (XmlException error)
        {
            throw ToolException.InvalidArgument(argument, $"{source} is not a readable OVF descriptor: {error.Message}");
        }
        var envelope = document.Root;
        if (envelope is null || envelope.Name.LocalName != "Envelope")
        {
            throw ToolException.InvalidArgument(argument,
                $"{source} is not an OVF descriptor: its root element is <{envelope?.Name.LocalName}>, not <Envelope>.");
        }
        var ovf = envelope.Name.Namespace;

        var files = Children(envelope, "References").Elements(ovf + "File")
            .Select(file => new OvfFileReference(
                Attribute(file, ovf, "id") ?? "",
                Attribute(file, ovf, "href") ?? "",
                Number(Attribute(file, ovf, "size")),
                Attribute(file, ovf, "compression"),
                Number(Attribute(file, ovf, "chunkSize"))))
            .ToArray();

        // Adapters name their network in a Connection element (rasd: in OVF 1, epasd: in OVF 2's EthernetPortItem).
        var adaptersByNetwork = envelope.Descendants()
            .Where(element => element.Name.LocalName == "Connection" && !string.IsNullOrWhiteSpace(element.Value))
            .GroupBy(connection => connection.Value.Trim(), StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group
                .Select(connection => connection.Parent?.Elements().FirstOrDefault(element => element.Name.LocalName == "ElementName")?.Value.Trim())
                .OfType<string>()
                .ToArray(), StringComparer.Ordinal);
        var networks = Children(envelope, "NetworkSection").Elements(ovf + "Network")
            .Select(network => (Element: network, Name: Attribute(network, ovf, "name") ?? ""))
            .Where(network => network.Name.Length > 0)
            .Select(network => new OvfNetwork(network.Name, network.Element.Element(ovf + "Description")?.Value.Trim(),
                adaptersByNetwork.GetValueOrDefault(network.Name) ?? []))
            .ToArray();

        var system = envelope.Descendants(ovf + "VirtualSystem").FirstOrDefault();
        var name = system?.Element(ovf + "Name")?.Value.Trim() is { Length: > 0 } named ? named : system is null ? null : Attribute(system, ovf, "id");
        return new OvfDescriptor(xml, name, files, networks);
    }

    /// <summary>A file path from a descriptor (an href), refused when it could leave the package's folder.</summary>
    public static string CheckedHref(string href, string argument)
    {
        var escapes = href.Length == 0 || href.Contains('\\', StringComparison.Ordinal) || href.Contains(':', StringComparison.Ordinal)
            || href.StartsWith('/') || href.Split('/').Any(part => part is ".." or "." or "");
        return escapes
            ? throw ToolException.InvalidArgument(argument,
                $"The OVF references the file '{href}', which is not a plain relative path inside the package; references must name files beside the descriptor.")
            : href;
    }

    private static IEnumerable<XElement> Children(XElement envelope, string section) =>
        envelope.Elements().Where(element => element.Name.LocalName == section);

    private static string? Attribute(XElement element, XNamespace ovf, string name) =>
        (element.Attribute(ovf + name) ?? element.Attribute(name))?.Value;

    private static long? Number(string? text) =>
        long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;
}
