using System.Globalization;
using System.Xml;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Soap;

/// <summary>
/// Writes the fields of vim25 data objects and method arguments. Every <c>Write</c> skips null values, so a record
/// writes all its fields unconditionally and the wire carries only those that are set.
/// </summary>
public sealed class VimXmlWriter
{
    private readonly XmlWriter _xml;

    internal VimXmlWriter(XmlWriter xml) => _xml = xml;

    /// <summary>Writes a string field.</summary>
    public void Write(string name, string? value)
    {
        if (value is not null)
        {
            _xml.WriteElementString(name, XmlNames.Vim25, value);
        }
    }

    /// <summary>Writes a boolean field.</summary>
    public void Write(string name, bool? value)
    {
        if (value is { } set)
        {
            _xml.WriteElementString(name, XmlNames.Vim25, set ? "true" : "false");
        }
    }

    /// <summary>Writes an integer field.</summary>
    public void Write(string name, int? value)
    {
        if (value is { } set)
        {
            _xml.WriteElementString(name, XmlNames.Vim25, set.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Writes a 64-bit integer field.</summary>
    public void Write(string name, long? value)
    {
        if (value is { } set)
        {
            _xml.WriteElementString(name, XmlNames.Vim25, set.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Writes a floating point field.</summary>
    public void Write(string name, double? value)
    {
        if (value is { } set)
        {
            _xml.WriteElementString(name, XmlNames.Vim25, XmlConvert.ToString(set));
        }
    }

    /// <summary>Writes a date and time field (xsd:dateTime, in UTC).</summary>
    public void Write(string name, DateTimeOffset? value)
    {
        if (value is { } set)
        {
            _xml.WriteElementString(name, XmlNames.Vim25, set.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Writes an enum field as its vim25 name (<c>PoweredOn</c> → <c>poweredOn</c>).</summary>
    public void WriteEnum<TEnum>(string name, TEnum? value) where TEnum : struct, Enum
    {
        if (value is { } set)
        {
            _xml.WriteElementString(name, XmlNames.Vim25, VimEnum<TEnum>.ToWire(set));
        }
    }

    /// <summary>Writes a managed object reference field.</summary>
    public void Write(string name, ManagedObjectReference? value)
    {
        if (value is not null)
        {
            WriteReference(name, value, typed: false);
        }
    }

    /// <summary>
    /// Writes a data object field declared as <typeparamref name="TDeclared"/>; <c>xsi:type</c> is written when the
    /// value is of a derived type (a <c>VirtualDisk</c> in a field declared <c>VirtualDevice</c>).
    /// </summary>
    public void Write<TDeclared>(string name, TDeclared? value) where TDeclared : VimDataObject
    {
        if (value is not null)
        {
            WriteDataObject(name, value, typeof(TDeclared).Name);
        }
    }

    /// <summary>Writes a repeated string field (an array of strings or enum values).</summary>
    public void Write(string name, IEnumerable<string>? values)
    {
        foreach (var value in values ?? [])
        {
            Write(name, value);
        }
    }

    /// <summary>Writes a repeated managed object reference field.</summary>
    public void Write(string name, IEnumerable<ManagedObjectReference>? values)
    {
        foreach (var value in values ?? [])
        {
            Write(name, value);
        }
    }

    /// <summary>Writes a repeated data object field declared as an array of <typeparamref name="TDeclared"/>.</summary>
    public void Write<TDeclared>(string name, IEnumerable<TDeclared>? values) where TDeclared : VimDataObject
    {
        foreach (var value in values ?? [])
        {
            Write(name, value);
        }
    }

    /// <summary>Writes a field declared <c>xsd:anyType</c> (such as <c>OptionValue.value</c>) with its <c>xsi:type</c>.</summary>
    public void WriteAny(string name, VimValue? value)
    {
        if (value is not null)
        {
            WriteValue(name, value, typed: true);
        }
    }

    /// <summary>
    /// Writes a generically built or read value: data objects and primitives with a declared type carry
    /// <c>xsi:type</c>, arrays become repeated elements.
    /// </summary>
    public void Write(string name, VimValue? value)
    {
        if (value is not null)
        {
            WriteValue(name, value, typed: false);
        }
    }

    /// <summary>Writes a data object as a method argument, always with its <c>xsi:type</c> (valid whatever the
    /// parameter's declared type).</summary>
    internal void WriteArgument(string name, VimDataObject value) => WriteDataObject(name, value, declaredType: null);

    private void WriteDataObject(string name, VimDataObject value, string? declaredType)
    {
        _xml.WriteStartElement(name, XmlNames.Vim25);
        var actualType = value.VimTypeName;
        if (!string.Equals(actualType, declaredType, StringComparison.Ordinal))
        {
            WriteXsiType(actualType);
        }
        value.WriteFields(this);
        _xml.WriteEndElement();
    }

    private void WriteValue(string name, VimValue value, bool typed)
    {
        switch (value)
        {
            case ManagedObjectReference reference:
                WriteReference(name, reference, typed || reference.InAnyType);
                break;
            case VimArray { TypeName: { } arrayType } array when arrayType.StartsWith("ArrayOf", StringComparison.Ordinal):
                _xml.WriteStartElement(name, XmlNames.Vim25);
                WriteXsiType(arrayType);
                var itemName = arrayType["ArrayOf".Length..];
                foreach (var item in array.Items)
                {
                    WriteValue(itemName, item, typed: false);
                }
                _xml.WriteEndElement();
                break;
            case VimArray array:
                foreach (var item in array.Items)
                {
                    WriteValue(name, item, typed);
                }
                break;
            case VimObject data:
                _xml.WriteStartElement(name, XmlNames.Vim25);
                if (data.TypeName is not null)
                {
                    WriteXsiType(data.TypeName);
                }
                foreach (var field in data.Fields)
                {
                    WriteValue(field.Name, field.Value, typed: false);
                }
                _xml.WriteEndElement();
                break;
            case VimPrimitive primitive:
                _xml.WriteStartElement(name, XmlNames.Vim25);
                // A primitive read with its XML Schema type sat in an anyType field, where vCenter needs the type back.
                if (primitive.TypeName is { } primitiveType &&
                    (typed || XmlNames.IsQualifiedXmlSchemaType(primitiveType) || !XmlNames.IsXmlSchemaType(primitiveType)))
                {
                    WriteXsiType(primitiveType);
                }
                _xml.WriteString(primitive.Text);
                _xml.WriteEndElement();
                break;
        }
    }

    private void WriteReference(string name, ManagedObjectReference value, bool typed)
    {
        _xml.WriteStartElement(name, XmlNames.Vim25);
        if (typed)
        {
            WriteXsiType("ManagedObjectReference");
        }
        _xml.WriteAttributeString("type", value.Type);
        _xml.WriteString(value.Value);
        _xml.WriteEndElement();
    }

    private void WriteXsiType(string typeName) =>
        _xml.WriteAttributeString("type", XmlNames.XmlSchemaInstance,
            XmlNames.IsQualifiedXmlSchemaType(typeName) || !XmlNames.IsXmlSchemaType(typeName) ? typeName : XmlNames.XmlSchemaPrefix + typeName);
}
