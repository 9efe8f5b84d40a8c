namespace McVSphere.VSphere.Vim;

/// <summary>An array value (<c>ArrayOfVirtualDevice</c>, <c>ArrayOfManagedObjectReference</c>...).</summary>
public sealed class VimArray : VimValue
{
    /// <summary>Creates an array of the given declared type and items.</summary>
    public VimArray(string? typeName, IReadOnlyList<VimValue> items)
    {
        TypeName = typeName;
        Items = items;
    }

    /// <inheritdoc />
    public override string? TypeName { get; }

    /// <summary>The items, in server order.</summary>
    public IReadOnlyList<VimValue> Items { get; }

    /// <inheritdoc />
    public override IReadOnlyList<VimValue> AsArray() => Items;

    /// <summary>The type name and item count.</summary>
    public override string ToString() => $"{TypeName ?? "array"}[{Items.Count}]";
}
