namespace McVSphere.VSphere.Vim;

/// <summary>One field of a <see cref="VimObject"/>.</summary>
/// <param name="Name">The field name as on the wire, e.g. <c>capacityInKB</c>.</param>
/// <param name="Value">Its value; a field repeated on the wire is one <see cref="VimArray"/>.</param>
public readonly record struct VimField(string Name, VimValue Value);

/// <summary>
/// A vim25 data object read generically: its type name and its fields in document order. The indexer takes a field
/// name or a dotted path (<c>backing.fileName</c>) and returns null for a field the server left unset.
/// </summary>
public sealed class VimObject : VimValue, IVimValueLookup
{
    /// <summary>Creates a data object of the given type (null: undeclared) with its fields.</summary>
    public VimObject(string? typeName, IReadOnlyList<VimField> fields)
    {
        TypeName = typeName;
        Fields = fields;
    }

    /// <inheritdoc />
    public override string? TypeName { get; }

    /// <summary>The fields, in document order (which is schema order).</summary>
    public IReadOnlyList<VimField> Fields { get; }

    /// <summary>The value of a field, or of a dotted path of fields; null when unset.</summary>
    public VimValue? this[string path]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(path);
            var dot = path.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0)
            {
                return Field(path);
            }
            return Field(path[..dot]) is VimObject child ? child[path[(dot + 1)..]] : null;
        }
    }

    /// <inheritdoc />
    public override VimObject AsObject() => this;

    /// <summary>The type name and field names.</summary>
    public override string ToString() => $"{TypeName ?? "object"} {{ {string.Join(", ", Fields.Select(field => field.Name))} }}";

    private VimValue? Field(string name)
    {
        foreach (var field in Fields)
        {
            if (string.Equals(field.Name, name, StringComparison.Ordinal))
            {
                return field.Value;
            }
        }
        return null;
    }
}
