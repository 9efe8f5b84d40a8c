using McVSphere.VSphere.Lookup;

namespace McVSphere.VSphere;

/// <summary>Several inventory objects of the kind have that name; <see cref="Paths"/> tells them apart.</summary>
public sealed class VSphereAmbiguousNameException : VSphereException
{
    /// <summary>Creates the exception for a name shared by the objects at <paramref name="paths"/>.</summary>
    public VSphereAmbiguousNameException(VSphereObjectKind kind, string name, IReadOnlyList<string> paths)
        : base($"{paths.Count} {kind.DisplayName()}s are named '{name}': {string.Join(", ", paths.Select(path => $"'{path}'"))}. " +
               "Give the inventory path of the one you mean.")
    {
        Kind = kind;
        Name = name;
        Paths = paths;
    }

    /// <summary>The kind looked for.</summary>
    public VSphereObjectKind Kind { get; }

    /// <summary>The name looked for.</summary>
    public string Name { get; }

    /// <summary>The inventory paths of the objects with that name, sorted.</summary>
    public IReadOnlyList<string> Paths { get; }
}
