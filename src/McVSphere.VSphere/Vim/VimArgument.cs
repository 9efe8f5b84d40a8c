using McVSphere.VSphere.Soap;

namespace McVSphere.VSphere.Vim;

/// <summary>
/// One named argument of a vim25 method call, e.g. <c>new VimArgument("spec", configSpec)</c>. Arguments are written
/// in the order given, which must be the method's parameter order. A null value leaves the (optional) argument out.
/// Values are never logged.
/// </summary>
public sealed class VimArgument
{
    private readonly Action<VimXmlWriter> _write;

    private VimArgument(string name, Action<VimXmlWriter> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        _write = write;
    }

    /// <summary>A string (or enum string) argument.</summary>
    public VimArgument(string name, string? value) : this(name, writer => writer.Write(name, value)) { }

    /// <summary>A boolean argument.</summary>
    public VimArgument(string name, bool? value) : this(name, writer => writer.Write(name, value)) { }

    /// <summary>An integer argument.</summary>
    public VimArgument(string name, int? value) : this(name, writer => writer.Write(name, value)) { }

    /// <summary>A 64-bit integer argument.</summary>
    public VimArgument(string name, long? value) : this(name, writer => writer.Write(name, value)) { }

    /// <summary>A date and time argument.</summary>
    public VimArgument(string name, DateTimeOffset? value) : this(name, writer => writer.Write(name, value)) { }

    /// <summary>A managed object reference argument.</summary>
    public VimArgument(string name, ManagedObjectReference? value) : this(name, writer => writer.Write(name, value)) { }

    /// <summary>A typed data object argument, written with its <c>xsi:type</c>.</summary>
    public VimArgument(string name, VimDataObject? value)
        : this(name, writer =>
        {
            if (value is not null)
            {
                writer.WriteArgument(name, value);
            }
        })
    {
    }

    /// <summary>A generic value argument (a <see cref="VimObject"/> built by hand, or a value read earlier).</summary>
    public VimArgument(string name, VimValue? value) : this(name, writer => writer.Write(name, value)) { }

    /// <summary>An array of strings argument.</summary>
    public VimArgument(string name, IEnumerable<string>? values) : this(name, writer => writer.Write(name, values)) { }

    /// <summary>An array of managed object references argument.</summary>
    public VimArgument(string name, IEnumerable<ManagedObjectReference>? values) : this(name, writer => writer.Write(name, values)) { }

    /// <summary>An array of typed data objects argument, each written with its <c>xsi:type</c>.</summary>
    public VimArgument(string name, IEnumerable<VimDataObject>? values)
        : this(name, writer =>
        {
            foreach (var value in values ?? [])
            {
                writer.WriteArgument(name, value);
            }
        })
    {
    }

    /// <summary>The parameter name, e.g. <c>spec</c>.</summary>
    public string Name { get; }

    /// <summary>The parameter name only: values may be secrets.</summary>
    public override string ToString() => Name;

    internal void WriteTo(VimXmlWriter writer) => _write(writer);
}
