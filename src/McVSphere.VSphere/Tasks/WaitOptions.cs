using McVSphere.VSphere.Soap;
using McVSphere.VSphere.Vim;

namespace McVSphere.VSphere.Tasks;

/// <summary>Options of WaitForUpdatesEx (<c>WaitOptions</c>).</summary>
public sealed record WaitOptions : VimDataObject
{
    /// <summary>How long the server may hold the call when nothing changes; it then returns no update.</summary>
    public int? MaxWaitSeconds { get; init; }

    /// <summary>The most object updates per response.</summary>
    public int? MaxObjectUpdates { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(VimXmlWriter writer)
    {
        writer.Write("maxWaitSeconds", MaxWaitSeconds);
        writer.Write("maxObjectUpdates", MaxObjectUpdates);
    }
}
