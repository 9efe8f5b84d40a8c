namespace McVSphere.VSphere.Vim;

/// <summary>
/// A reference to a server-side managed object (a VM, host, task, manager...): its type and its id on that server,
/// e.g. <c>VirtualMachine:vm-42</c>. Two references are equal when both parts are.
/// </summary>
public sealed class ManagedObjectReference : VimValue, IEquatable<ManagedObjectReference>
{
    /// <summary>Creates a reference to the object <paramref name="value"/> of the managed type <paramref name="type"/>.</summary>
    public ManagedObjectReference(string type, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(value);
        Type = type;
        Value = value;
    }

    /// <summary>The managed object type, e.g. <c>VirtualMachine</c>.</summary>
    public string Type { get; }

    /// <summary>The object's id on the server, e.g. <c>vm-42</c>.</summary>
    public string Value { get; }

    /// <inheritdoc />
    public override string TypeName => "ManagedObjectReference";

    /// <summary>Read with <c>xsi:type="ManagedObjectReference"</c>, i.e. from an <c>anyType</c> field (an option value, a
    /// property collector value): written back with it, as vCenter requires there. Not part of equality.</summary>
    internal bool InAnyType { get; init; }

    /// <summary>Parses the <c>Type:value</c> form produced by <see cref="ToString"/>.</summary>
    /// <exception cref="FormatException">The text has no colon, or an empty part.</exception>
    public static ManagedObjectReference Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == text.Length - 1)
        {
            throw new FormatException($"'{text}' is not a managed object reference of the form Type:id (e.g. VirtualMachine:vm-42).");
        }
        return new ManagedObjectReference(text[..colon], text[(colon + 1)..]);
    }

    /// <inheritdoc />
    public override ManagedObjectReference AsReference() => this;

    /// <inheritdoc />
    public bool Equals(ManagedObjectReference? other) =>
        other is not null && string.Equals(Type, other.Type, StringComparison.Ordinal) && string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ManagedObjectReference);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Type, Value);

    /// <summary>The <c>Type:value</c> form, e.g. <c>VirtualMachine:vm-42</c>.</summary>
    public override string ToString() => $"{Type}:{Value}";

    /// <summary>Reference equality by value.</summary>
    public static bool operator ==(ManagedObjectReference? left, ManagedObjectReference? right) =>
        left is null ? right is null : left.Equals(right);

    /// <summary>Reference inequality by value.</summary>
    public static bool operator !=(ManagedObjectReference? left, ManagedObjectReference? right) => !(left == right);
}
