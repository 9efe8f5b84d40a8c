using McVSphere.VSphere.Soap;

namespace McVSphere.VSphere.Vim;

/// <summary>
/// Base of the hand-written vim25 data object records. The record's class name is its vim25 type name (so
/// <c>VirtualDisk</c> is written as <c>xsi:type="VirtualDisk"</c> where a <c>VirtualDevice</c> is declared), and
/// <see cref="WriteFields"/> writes its fields in schema order, base type's first.
/// </summary>
public abstract record VimDataObject
{
    /// <summary>The vim25 type name written as <c>xsi:type</c>; by convention the record's class name.</summary>
    protected internal virtual string VimTypeName => GetType().Name;

    /// <summary>Writes the fields that are set, in schema order, calling the base record's fields first.</summary>
    protected internal abstract void WriteFields(VimXmlWriter writer);
}
