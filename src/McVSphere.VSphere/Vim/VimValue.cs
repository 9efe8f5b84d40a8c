namespace McVSphere.VSphere.Vim;

/// <summary>
/// A value read from the vSphere API, as untyped as the wire: a primitive (<see cref="VimPrimitive"/>), a
/// <see cref="ManagedObjectReference"/>, an array (<see cref="VimArray"/>) or a data object (<see cref="VimObject"/>).
/// The <c>As…</c> accessors convert it, and throw <see cref="InvalidCastException"/> when it is of another shape.
/// </summary>
public abstract class VimValue
{
    private protected VimValue()
    {
    }

    /// <summary>
    /// The vim25 or XML Schema type name the server declared (<c>VirtualMachinePowerState</c>, <c>ArrayOfVirtualDevice</c>,
    /// <c>VirtualDisk</c>...; XML Schema types qualified, <c>xsd:string</c>, <c>xsd:int</c>: values in <c>anyType</c>
    /// fields), or null when it declared none (fields of a data object whose type is the schema's).
    /// </summary>
    public abstract string? TypeName { get; }

    /// <summary>The text of a primitive or enum value.</summary>
    public virtual string AsString() => throw NotA("a string");

    /// <summary>A boolean value.</summary>
    public virtual bool AsBoolean() => throw NotA("a boolean");

    /// <summary>An integer value (xsd:int, short or byte).</summary>
    public virtual int AsInt32() => throw NotA("an integer");

    /// <summary>A 64-bit integer value (xsd:long, or any smaller integer).</summary>
    public virtual long AsInt64() => throw NotA("an integer");

    /// <summary>A floating point value (xsd:double or float).</summary>
    public virtual double AsDouble() => throw NotA("a number");

    /// <summary>A date and time (xsd:dateTime).</summary>
    public virtual DateTimeOffset AsDateTime() => throw NotA("a date and time");

    /// <summary>A managed object reference.</summary>
    public virtual ManagedObjectReference AsReference() => throw NotA("a managed object reference");

    /// <summary>A data object.</summary>
    public virtual VimObject AsObject() => throw NotA("a data object");

    /// <summary>
    /// The items of an array. A single value is returned as a one-item list: a data object field that holds an array
    /// carries no array marker on the wire when it has one item.
    /// </summary>
    public virtual IReadOnlyList<VimValue> AsArray() => [this];

    /// <summary>The items of an array of strings (or of enum values).</summary>
    public IReadOnlyList<string> AsStrings() => AsArray().Select(item => item.AsString()).ToArray();

    /// <summary>The items of an array of managed object references.</summary>
    public IReadOnlyList<ManagedObjectReference> AsReferences() => AsArray().Select(item => item.AsReference()).ToArray();

    private InvalidCastException NotA(string what) =>
        new($"The vSphere value of type '{TypeName ?? "(undeclared)"}' is not {what}: {this}.");
}
