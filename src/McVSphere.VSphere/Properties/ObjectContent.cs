using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Properties;

/// <summary>
/// One object of a property read: its reference and the properties that are set (unset ones are absent; a property
/// the server could not read fails the read instead). The indexer also reaches inside a retrieved data object: with <c>summary</c> retrieved,
/// <c>content["summary.config.name"]</c> works.
/// </summary>
public sealed class ObjectContent : IVimValueLookup
{
    /// <summary>Creates the content of one object.</summary>
    public ObjectContent(ManagedObjectReference reference, IReadOnlyDictionary<string, VimValue> properties)
    {
        Ref = reference;
        Properties = properties;
    }

    /// <summary>The object.</summary>
    public ManagedObjectReference Ref { get; }

    /// <summary>The retrieved properties that are set, by the path that was asked for.</summary>
    public IReadOnlyDictionary<string, VimValue> Properties { get; }

    /// <inheritdoc />
    public VimValue? this[string path]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(path);
            if (Properties.TryGetValue(path, out var value))
            {
                return value;
            }
            // The longest retrieved prefix of the path, then fields inside it.
            for (var dot = path.LastIndexOf('.'); dot > 0; dot = path.LastIndexOf('.', dot - 1))
            {
                if (Properties.TryGetValue(path[..dot], out var parent))
                {
                    return parent is VimObject data ? data[path[(dot + 1)..]] : null;
                }
            }
            return null;
        }
    }

    /// <summary>The object and the number of properties.</summary>
    public override string ToString() => $"{Ref} ({Properties.Count} properties)";
}
