using McVSphere.VSphere.Soap;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Properties;

/// <summary>Which properties to read from objects of one managed type (<c>PropertySpec</c>).</summary>
public sealed record PropertySpec : VimDataObject
{
    /// <summary>The managed object type, e.g. <c>VirtualMachine</c> (subtypes match too).</summary>
    public required string Type { get; init; }

    /// <summary>Read every property (expensive: prefer <see cref="PathSet"/>).</summary>
    public bool? All { get; init; }

    /// <summary>The property paths to read, e.g. <c>name</c>, <c>summary.config.numCpu</c>.</summary>
    public IReadOnlyList<string>? PathSet { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("type", Type);
        writer.Write("all", All);
        writer.Write("pathSet", PathSet);
    }
}

/// <summary>Names a traversal for reuse in <see cref="TraversalSpec.SelectSet"/> (<c>SelectionSpec</c>).</summary>
public record SelectionSpec : VimDataObject
{
    /// <summary>The name of this selection, or of the selection it refers to.</summary>
    public string? Name { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer) => writer.Write("name", Name);
}

/// <summary>Follows a property from an object to more objects, e.g. <c>ContainerView.view</c> (<c>TraversalSpec</c>).</summary>
public sealed record TraversalSpec : SelectionSpec
{
    /// <summary>The type of the object the traversal starts from.</summary>
    public required string Type { get; init; }

    /// <summary>The property that holds the references to follow.</summary>
    public required string Path { get; init; }

    /// <summary>Whether to leave the objects reached out of the result.</summary>
    public bool? Skip { get; init; }

    /// <summary>Further traversals from the objects reached.</summary>
    public IReadOnlyList<SelectionSpec>? SelectSet { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        base.WriteFields(writer);
        writer.Write("type", Type);
        writer.Write("path", Path);
        writer.Write("skip", Skip);
        writer.Write("selectSet", SelectSet);
    }
}

/// <summary>An object to start reading from (<c>ObjectSpec</c>).</summary>
public sealed record ObjectSpec : VimDataObject
{
    /// <summary>The starting object.</summary>
    public required ManagedObjectReference Obj { get; init; }

    /// <summary>Whether to leave the starting object itself out of the result (true for a ContainerView).</summary>
    public bool? Skip { get; init; }

    /// <summary>Traversals from the starting object.</summary>
    public IReadOnlyList<SelectionSpec>? SelectSet { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("obj", Obj);
        writer.Write("skip", Skip);
        writer.Write("selectSet", SelectSet);
    }
}

/// <summary>What to read: properties by type and the objects to read them from (<c>PropertyFilterSpec</c>).</summary>
public sealed record PropertyFilterSpec : VimDataObject
{
    /// <summary>The properties to read, per managed type.</summary>
    public required IReadOnlyList<PropertySpec> PropSet { get; init; }

    /// <summary>The objects to read from.</summary>
    public required IReadOnlyList<ObjectSpec> ObjectSet { get; init; }

    /// <summary>Whether to report objects that no longer exist in the missing sets instead of failing.</summary>
    public bool? ReportMissingObjectsInResults { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("propSet", PropSet);
        writer.Write("objectSet", ObjectSet);
        writer.Write("reportMissingObjectsInResults", ReportMissingObjectsInResults);
    }
}

/// <summary>Options of RetrievePropertiesEx (<c>RetrieveOptions</c>).</summary>
public sealed record RetrieveOptions : VimDataObject
{
    /// <summary>The most objects per page; the server may return fewer.</summary>
    public int? MaxObjects { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer) => writer.Write("maxObjects", MaxObjects);
}
