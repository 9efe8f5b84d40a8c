using System.Xml;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Soap;

/// <summary>
/// Reads one element's subtree into a <see cref="VimValue"/>, without a schema: the declared <c>xsi:type</c> (matched by
/// namespace URI, whatever its prefix), a <c>type</c> attribute (a managed object reference) and the element's shape
/// decide what it is. A field repeated within a data object becomes one array.
/// </summary>
internal static class VimValueReader
{
    private const string ArrayPrefix = "ArrayOf";

    /// <summary>Reads the element the reader is on and leaves the reader on the node after its end.</summary>
    public static async ValueTask<VimValue> ReadAsync(XmlReader reader)
    {
        var typeName = ReadXsiType(reader);
        var referenceType = reader.GetAttribute("type");
        if (reader.IsEmptyElement)
        {
            await reader.ReadAsync().ConfigureAwait(false);
            return EmptyValue(typeName, referenceType);
        }

        await reader.ReadAsync().ConfigureAwait(false);
        var isArray = typeName is not null && typeName.StartsWith(ArrayPrefix, StringComparison.Ordinal);
        string? text = null;
        var fields = new FieldList();
        List<VimValue>? items = isArray ? [] : null;
        while (reader.NodeType != XmlNodeType.EndElement)
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    var name = reader.LocalName;
                    var value = await ReadAsync(reader).ConfigureAwait(false);
                    if (items is not null)
                    {
                        items.Add(value);
                    }
                    else
                    {
                        fields.Add(name, value);
                    }
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace:
                    text = string.Concat(text, await reader.GetValueAsync().ConfigureAwait(false));
                    await reader.ReadAsync().ConfigureAwait(false);
                    break;
                default:
                    await reader.ReadAsync().ConfigureAwait(false);
                    break;
            }
        }
        await reader.ReadAsync().ConfigureAwait(false);

        if (items is not null)
        {
            return new VimArray(typeName, items);
        }
        if (fields.Count > 0)
        {
            return new VimObject(typeName, fields.ToList());
        }
        if (text is null)
        {
            return EmptyValue(typeName, referenceType);
        }
        return referenceType is not null
            ? new ManagedObjectReference(referenceType, text) { InAnyType = typeName is not null }
            : new VimPrimitive(typeName, text);
    }

    /// <summary>
    /// The element's <c>xsi:type</c>, or null: a vim25 type by its local name (<c>VirtualDisk</c>), an XML Schema type
    /// qualified as <c>xsd:int</c> whatever prefix the server used (such a value sits in an <c>anyType</c> field, and is
    /// written back with its type). Atomized in the reader's name table, so that the values of a bulk read share one
    /// string per type.
    /// </summary>
    public static string? ReadXsiType(XmlReader reader)
    {
        var qualified = reader.GetAttribute("type", XmlNames.XmlSchemaInstance);
        if (qualified is null)
        {
            return null;
        }
        var colon = qualified.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return reader.NameTable.Add(qualified);
        }
        var local = qualified[(colon + 1)..];
        return reader.NameTable.Add(reader.LookupNamespace(qualified[..colon]) == XmlNames.XmlSchema ? XmlNames.XmlSchemaPrefix + local : local);
    }

    private static VimValue EmptyValue(string? typeName, string? referenceType)
    {
        if (typeName is null || referenceType is not null || XmlNames.IsXmlSchemaType(typeName))
        {
            return new VimPrimitive(typeName, string.Empty);
        }
        return typeName.StartsWith(ArrayPrefix, StringComparison.Ordinal)
            ? new VimArray(typeName, [])
            : new VimObject(typeName, []);
    }

    /// <summary>Collects fields, merging consecutive repeats of a name (an array field) into one array.</summary>
    private struct FieldList
    {
        private List<VimField>? _fields;
        private List<VimValue>? _run;

        public readonly int Count => _fields?.Count ?? 0;

        public void Add(string name, VimValue value)
        {
            _fields ??= [];
            var last = _fields.Count - 1;
            if (last >= 0 && string.Equals(_fields[last].Name, name, StringComparison.Ordinal))
            {
                if (_run is null)
                {
                    _run = [_fields[last].Value];
                    _fields[last] = new VimField(name, new VimArray(null, _run));
                }
                _run.Add(value);
                return;
            }
            _run = null;
            _fields.Add(new VimField(name, value));
        }

        public readonly List<VimField> ToList() => _fields ?? [];
    }
}
