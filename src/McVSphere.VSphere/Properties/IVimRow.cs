namespace McVSphere.VSphere.Properties;

/// <summary>
/// A typed row of a bulk read: which managed type it reads, which property paths, and how it is built from one
/// object's content. <see cref="VSpherePropertyReader.RetrieveAsync{TRow}"/> reads all such rows under a container.
/// </summary>
/// <typeparam name="TSelf">The row type itself.</typeparam>
public interface IVimRow<TSelf> where TSelf : IVimRow<TSelf>
{
    /// <summary>The managed object type read, e.g. <c>VirtualMachine</c>.</summary>
    static abstract string ManagedObjectType { get; }

    /// <summary>The property paths read.</summary>
    static abstract IReadOnlyList<string> PropertyPaths { get; }

    /// <summary>Builds a row from an object's content.</summary>
    static abstract TSelf FromContent(ObjectContent content);
}
