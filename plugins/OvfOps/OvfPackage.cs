using System.Formats.Tar;
using System.Runtime.CompilerServices;
using System.Text;
using McVSphere.Sdk.Errors;

namespace McVSphere.Plugins.OvfOps;

/// <summary>A file of a package being read, e.g. a disk: its href in the descriptor, its bytes and size.</summary>
internal sealed record PackageFile(string Href, Stream Content, long Length);

/// <summary>
/// An OVF package opened for deployment: an <c>.ovf</c> descriptor with its files beside it, or an <c>.ova</c> (a tar
/// with the descriptor first), read as one stream from start to end, never unpacked to disk or memory.
/// </summary>
internal abstract class OvfPackage(OvfDescriptor descriptor, PackageLocation location) : IAsyncDisposable
{
    public OvfDescriptor Descriptor { get; } = descriptor;

    public PackageLocation Location { get; } = location;

    /// <summary>
    /// The files of <paramref name="hrefs"/>, one at a time in package order; each must be read (or left) before the
    /// next is asked for. Files the package does not hold are not yielded.
    /// </summary>
    public abstract IAsyncEnumerable<PackageFile> ReadFilesAsync(IReadOnlyCollection<string> hrefs, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    /// <summary>Opens a package and reads its descriptor.</summary>
    public static async Task<OvfPackage> OpenAsync(PackageLocation location, CancellationToken cancellationToken)
    {
        if (!location.IsOva)
        {
            await using var file = await location.OpenAsync(cancellationToken);
            var descriptor = Parse(await ReadDescriptorAsync(file.Content, location, cancellationToken), location);
            return new FolderPackage(descriptor, location);
        }
        var archive = await location.OpenAsync(cancellationToken);
        try
        {
            var reader = new TarReader(archive.Content, leaveOpen: true);
            var first = await NextFileAsync(reader, location, cancellationToken);
            if (first is null || !first.Name.EndsWith(".ovf", StringComparison.OrdinalIgnoreCase))
            {
                throw ToolException.InvalidArgument(location.Argument,
                    $"{location.Display} is not a valid OVA: its first file must be the OVF descriptor, but it is '{first?.Name ?? "(none)"}'.");
            }
            var descriptor = Parse(await ReadDescriptorAsync(first.DataStream!, location, cancellationToken), location);
            return new OvaPackage(descriptor, location, archive, reader);
        }
        catch
        {
            await archive.DisposeAsync();
            throw;
        }
    }

    private static OvfDescriptor Parse(string xml, PackageLocation location) => OvfDescriptor.Parse(xml, location.Argument, location.Display);

    private static async Task<string> ReadDescriptorAsync(Stream content, PackageLocation location, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > OvfDescriptor.MaxBytes)
            {
                throw ToolException.InvalidArgument(location.Argument,
                    $"The OVF descriptor of {location.Display} is larger than {OvfDescriptor.MaxBytes >> 20} MB: it is not a descriptor.");
            }
            buffer.Write(chunk, 0, read);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The next regular file of the archive (directories and metadata entries are skipped).</summary>
    private static async Task<TarEntry?> NextFileAsync(TarReader reader, PackageLocation location, CancellationToken cancellationToken)
    {
        try
        {
            TarEntry? entry;
            while ((entry = await reader.GetNextEntryAsync(copyData: false, cancellationToken)) is not null
                && entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
            {
            }
            return entry;
        }
        catch (InvalidDataException error)
        {
            throw ToolException.InvalidArgument(location.Argument, $"{location.Display} is not a valid OVA (tar) archive: {error.Message}");
        }
    }

    private static string EntryName(TarEntry entry) => entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;

    private sealed class FolderPackage(OvfDescriptor descriptor, PackageLocation location) : OvfPackage(descriptor, location)
    {
        public override async IAsyncEnumerable<PackageFile> ReadFilesAsync(IReadOnlyCollection<string> hrefs,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var href in hrefs)
            {
                var sibling = Location.Sibling(href);
                await using var file = await sibling.OpenAsync(cancellationToken);
                var length = file.Length ?? Descriptor.Files.FirstOrDefault(reference => reference.Href == href)?.Size
                    ?? throw ToolException.InvalidArgument(Location.Argument,
                        $"The size of {sibling.Display} is unknown: its server sent none and the descriptor declares none.");
                yield return new PackageFile(href, file.Content, length);
            }
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class OvaPackage(OvfDescriptor descriptor, PackageLocation location, SourceFile archive, TarReader reader)
        : OvfPackage(descriptor, location)
    {
        public override async IAsyncEnumerable<PackageFile> ReadFilesAsync(IReadOnlyCollection<string> hrefs,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var wanted = hrefs.ToHashSet(StringComparer.Ordinal);
            while (wanted.Count > 0 && await NextFileAsync(reader, Location, cancellationToken) is { } entry)
            {
                if (wanted.Remove(EntryName(entry)) && entry.DataStream is { } data)
                {
                    yield return new PackageFile(EntryName(entry), data, entry.Length);
                }
            }
        }

        public override async ValueTask DisposeAsync()
        {
            await reader.DisposeAsync();
            await archive.DisposeAsync();
        }
    }
}
