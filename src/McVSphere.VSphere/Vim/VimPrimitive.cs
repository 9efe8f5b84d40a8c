using System.Globalization;
using System.Xml;

namespace McVSphere.VSphere.Vim;

/// <summary>
/// A primitive or enum value, kept as the text the server sent and converted on access (most values read in bulk are
/// never converted, or converted once).
/// </summary>
public sealed class VimPrimitive : VimValue
{
    /// <summary>Creates a value from its wire text and declared type (e.g. <c>int</c>, <c>VirtualMachinePowerState</c>).</summary>
    public VimPrimitive(string? typeName, string text)
    {
        TypeName = typeName;
        Text = text;
    }

    /// <inheritdoc />
    public override string? TypeName { get; }

    /// <summary>The value as sent on the wire.</summary>
    public string Text { get; }

    /// <inheritdoc />
    public override string AsString() => Text;

    /// <inheritdoc />
    public override bool AsBoolean() => XmlConvert.ToBoolean(Text);

    /// <inheritdoc />
    public override int AsInt32() => int.Parse(Text, NumberStyles.Integer, CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override long AsInt64() => long.Parse(Text, NumberStyles.Integer, CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override double AsDouble() => XmlConvert.ToDouble(Text);

    /// <inheritdoc />
    public override DateTimeOffset AsDateTime() => XmlConvert.ToDateTimeOffset(Text);

    /// <summary>The wire text.</summary>
    public override string ToString() => Text;
}
