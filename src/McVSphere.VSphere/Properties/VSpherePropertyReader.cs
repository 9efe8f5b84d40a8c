using McVSphere.VSphere.Session;
using McVSphere.VSphere.Soap;
using McVSphere.VSphere.Vim;
using Microsoft.Extensions.Logging;

namespace McVSphere.VSphere.Properties;

/// <summary>
/// Bulk property reads through the PropertyCollector (<c>client.Properties</c>): all objects of a type under a container
/// (through a ContainerView), or a known set of objects, in one round trip per page whatever the number of objects
/// and properties.
/// </summary>
public sealed partial class VSpherePropertyReader
{
    private readonly VSphereSession _session;
    private readonly SoapClient _soap;
    private readonly int _pageSize;
    private readonly ILogger _logger;

    internal VSpherePropertyReader(VSphereSession session, SoapClient soap, int pageSize, ILogger logger)
    {
        _session = session;
        _soap = soap;
        _pageSize = pageSize;
        _logger = logger;
    }

    /// <summary>
    /// Reads <paramref name="propertyPaths"/> of every object of <paramref name="managedObjectType"/> (subtypes included)
    /// under <paramref name="container"/> (a folder, datacenter, cluster, host or pool; default: the root folder), recursively.
    /// </summary>
    public Task<IReadOnlyList<ObjectContent>> RetrieveAsync(
        string managedObjectType,
        IReadOnlyList<string> propertyPaths,
        ManagedObjectReference? container = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(managedObjectType);
        ArgumentNullException.ThrowIfNull(propertyPaths);
        return RetrieveAsync([new PropertySpec { Type = managedObjectType, PathSet = propertyPaths }], container, cancellationToken);
    }

    /// <summary>
    /// Reads objects of several types under <paramref name="container"/> (default: the root folder) in one read, each
    /// type with its own property paths.
    /// </summary>
    public Task<IReadOnlyList<ObjectContent>> RetrieveAsync(
        IReadOnlyList<PropertySpec> propertySpecs,
        ManagedObjectReference? container = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(propertySpecs);
        if (propertySpecs.Count == 0)
        {
            throw new ArgumentException("At least one property spec (a managed type and its paths) is needed.", nameof(propertySpecs));
        }
        return _session.RunAsync(async (ticket, token) =>
        {
            var view = await CreateViewAsync(ticket, container, propertySpecs.Select(spec => spec.Type), token).ConfigureAwait(false);
            try
            {
                return await RetrievePagesAsync(ticket, new PropertyFilterSpec { PropSet = propertySpecs, ObjectSet = [ViewObjects(view, skipView: true)] }, token)
                    .ConfigureAwait(false);
            }
            finally
            {
                await DestroyViewQuietlyAsync(view).ConfigureAwait(false);
            }
        }, cancellationToken);
    }

    /// <summary>A ContainerView of the objects of <paramref name="types"/> under <paramref name="container"/> (default: the root folder), recursively.</summary>
    internal async Task<ManagedObjectReference> CreateViewAsync(SessionTicket ticket, ManagedObjectReference? container, IEnumerable<string> types,
        CancellationToken cancellationToken)
    {
        var viewManager = ticket.Content.ViewManager
            ?? throw new VimFaultException(VimFaultTypes.MethodNotFound, "MethodNotFound: This server has no ViewManager, so container views are not supported.");
        return (await _soap.CallAsync("CreateContainerView", viewManager,
            [
                new VimArgument("container", container ?? ticket.Content.RootFolder),
                new VimArgument("type", types.Distinct(StringComparer.Ordinal).ToArray()),
                new VimArgument("recursive", true),
            ], cancellationToken).ConfigureAwait(false))?.AsReference()
            ?? throw new VSphereException("CreateContainerView returned no view.");
    }

    /// <summary>The objects of a view; with <paramref name="skipView"/> false the view itself is read too.</summary>
    internal static ObjectSpec ViewObjects(ManagedObjectReference view, bool skipView) => new()
    {
        Obj = view,
        Skip = skipView,
        SelectSet = [new TraversalSpec { Name = "view", Type = "ContainerView", Path = "view", Skip = false }],
    };

    /// <summary>Reads <paramref name="propertyPaths"/> of known objects, of any types, in one read.</summary>
    public Task<IReadOnlyList<ObjectContent>> RetrieveAsync(
        IEnumerable<ManagedObjectReference> objects,
        IReadOnlyList<string> propertyPaths,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(propertyPaths);
        var distinct = objects.Distinct().ToArray();
        if (distinct.Length == 0)
        {
            return Task.FromResult<IReadOnlyList<ObjectContent>>([]);
        }
        var spec = new PropertyFilterSpec
        {
            PropSet = distinct.Select(reference => reference.Type).Distinct(StringComparer.Ordinal)
                .Select(type => new PropertySpec { Type = type, PathSet = propertyPaths }).ToArray(),
            ObjectSet = distinct.Select(reference => new ObjectSpec { Obj = reference }).ToArray(),
        };
        return _session.RunAsync((ticket, token) => RetrievePagesAsync(ticket, spec, token), cancellationToken);
    }

    /// <summary>Reads <paramref name="propertyPaths"/> of one object.</summary>
    /// <exception cref="VimFaultException">ManagedObjectNotFound: the object does not exist.</exception>
    public async Task<ObjectContent> RetrieveAsync(
        ManagedObjectReference obj,
        IReadOnlyList<string> propertyPaths,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var contents = await RetrieveAsync([obj], propertyPaths, cancellationToken).ConfigureAwait(false);
        return contents.Count > 0
            ? contents[0]
            : throw VimFaults.Create(VimFaultTypes.ManagedObjectNotFound, null, new VimObject("ManagedObjectNotFound", [new VimField("obj", obj)]));
    }

    /// <summary>Reads typed rows (<see cref="IVimRow{TSelf}"/>) of every object of the row's type under a container.</summary>
    public async Task<IReadOnlyList<TRow>> RetrieveAsync<TRow>(ManagedObjectReference? container = null, CancellationToken cancellationToken = default)
        where TRow : IVimRow<TRow>
    {
        var contents = await RetrieveAsync(TRow.ManagedObjectType, TRow.PropertyPaths, container, cancellationToken).ConfigureAwait(false);
        var rows = new TRow[contents.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = TRow.FromContent(contents[i]);
        }
        return rows;
    }

    /// <summary>Runs a hand-built filter spec, following pages to the end.</summary>
    public Task<IReadOnlyList<ObjectContent>> RetrieveAsync(PropertyFilterSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return _session.RunAsync((ticket, token) => RetrievePagesAsync(ticket, spec, token), cancellationToken);
    }

    /// <summary>RetrievePropertiesEx, then ContinueRetrievePropertiesEx while the server returns a token.</summary>
    internal async Task<IReadOnlyList<ObjectContent>> RetrievePagesAsync(SessionTicket ticket, PropertyFilterSpec spec, CancellationToken cancellationToken)
    {
        var collector = ticket.Content.PropertyCollector;
        var page = await _soap.CallAsync("RetrievePropertiesEx", collector,
            [new VimArgument("specSet", spec), new VimArgument("options", new RetrieveOptions { MaxObjects = _pageSize })],
            RetrieveResultReader.ReadAsync, cancellationToken).ConfigureAwait(false);
        if (page.Token is null)
        {
            return page.Objects;
        }
        var objects = new List<ObjectContent>(page.Objects);
        try
        {
            while (page.Token is { } token)
            {
                page = await _soap.CallAsync("ContinueRetrievePropertiesEx", collector, [new VimArgument("token", token)],
                    RetrieveResultReader.ReadAsync, cancellationToken).ConfigureAwait(false);
                objects.AddRange(page.Objects);
            }
        }
        catch when (page.Token is not null)
        {
            await CancelQuietlyAsync(collector, page.Token).ConfigureAwait(false);
            throw;
        }
        return objects;
    }

    internal async Task DestroyViewQuietlyAsync(ManagedObjectReference view)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _soap.CallAsync("DestroyView", view, null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is VSphereException or OperationCanceledException)
        {
            LogCleanupFailed("DestroyView", error.Message);
        }
    }

    private async Task CancelQuietlyAsync(ManagedObjectReference collector, string token)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _soap.CallAsync("CancelRetrievePropertiesEx", collector, [new VimArgument("token", token)], timeout.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is VSphereException or OperationCanceledException)
        {
            LogCleanupFailed("CancelRetrievePropertiesEx", error.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} (cleanup) failed: {Reason}")]
    private partial void LogCleanupFailed(string method, string reason);
}
