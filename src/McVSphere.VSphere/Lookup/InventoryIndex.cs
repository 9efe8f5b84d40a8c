using System.Collections.Concurrent;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Session;
using McVSphere.VSphere.Soap;
using McVSphere.VSphere.Tasks;
using McVSphere.VSphere.Vim;
using Microsoft.Extensions.Logging;

namespace McVSphere.VSphere.Lookup;

/// <summary>
/// A live index of the inventory for name lookups: one PropertyCollector filter over a ContainerView of the root
/// folder (the name and parent of every object lookups and paths need, whether a VM is a template, a port group's
/// key), filled once
/// and kept current with WaitForUpdatesEx (incremental, in pages of <see cref="MaxObjectUpdates"/>). It starts on the
/// first lookup, is rebuilt after a re-login or a lost connection, and stops with the client.
/// <para>
/// It answers only while it is current: filled, and having heard from vCenter since this client last changed something
/// (a task ended, a method was called), so that a tool's own change is seen by the next call. Otherwise, and on every
/// miss, the lookup asks vCenter (<see cref="InventoryLookup"/>).
/// </para>
/// </summary>
public sealed partial class InventoryIndex : IAsyncDisposable
{
    /// <summary>The most object updates vCenter sends per WaitForUpdatesEx answer: the initial fill comes in pages of this many.</summary>
    public const int MaxObjectUpdates = 1000;

    // How long vCenter may hold a WaitForUpdatesEx without a change: also how stale the index may be after a change of
    // this client's own before it answers again.
    private const int MaxWaitSeconds = 1;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    private static readonly HashSet<string> IndexedTypes =
        [.. Enum.GetValues<VSphereObjectKind>().Select(kind => kind.ManagedObjectType()), .. InventoryLookup.AncestorTypes, "DistributedVirtualPortgroup",
         "DistributedVirtualSwitch"];

    private readonly VSphereSession _session;
    private readonly SoapClient _soap;
    private readonly VSpherePropertyReader _properties;
    private readonly PropertyWaiter _collectors;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<ManagedObjectReference, Entry> _entries = new();
    // Objects by name ignoring case: mostly one each, so a small array rather than a set per name.
    private readonly ConcurrentDictionary<string, ManagedObjectReference[]> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, ManagedObjectReference> _portgroups = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _firstFill = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _startLock = new();
    private TaskCompletionSource _applied = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private volatile bool _filled;
    private long _currentAsOf;
    private long _lastWrite;

    internal InventoryIndex(VSphereSession session, SoapClient soap, VSpherePropertyReader properties, PropertyWaiter collectors, ILogger logger)
    {
        _session = session;
        _soap = soap;
        _properties = properties;
        _collectors = collectors;
        _logger = logger;
    }

    /// <summary>Objects in the index.</summary>
    public int Count => _entries.Count;

    /// <summary>Whether the index may answer now: filled, and current with this client's own changes.</summary>
    public bool IsCurrent => _filled && Interlocked.Read(ref _currentAsOf) > Interlocked.Read(ref _lastWrite);

    /// <summary>Starts the index if it is not running.</summary>
    public void Start()
    {
        lock (_startLock)
        {
            _loop ??= Task.Run(() => RunAsync(_stopping.Token));
        }
    }

    /// <summary>Starts the index and waits until it is filled and current.</summary>
    public async Task WaitUntilCurrentAsync(CancellationToken cancellationToken)
    {
        Start();
        await _firstFill.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        while (!IsCurrent)
        {
            await _applied.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits until the index has applied everything vCenter changed before this call (a WaitForUpdatesEx asked after
    /// it has been answered): a change made elsewhere a moment ago is in the index then.
    /// </summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        var since = Environment.TickCount64;
        Start();
        while (!_filled || Interlocked.Read(ref _currentAsOf) <= since)
        {
            await _applied.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>This client changed something: the index answers again once it has heard from vCenter after now.</summary>
    internal void NoteWrite() => Interlocked.Exchange(ref _lastWrite, Environment.TickCount64);

    /// <summary>This client called <paramref name="method"/> (or its task ended): a write unless the method leaves names, parents and the objects themselves alone.</summary>
    internal void NoteCall(string method)
    {
        if (!LeavesInventoryAlone.Contains(method))
        {
            NoteWrite();
        }
    }

    // Methods that change no indexed property (name, parent, template flag) and create or remove no inventory object;
    // any other method counts as a write. ReconfigVM_Task is not here: it can rename a VM.
    private static readonly HashSet<string> LeavesInventoryAlone = new(StringComparer.Ordinal)
    {
        "PowerOnVM_Task", "PowerOffVM_Task", "ResetVM_Task", "SuspendVM_Task", "ShutdownGuest", "RebootGuest", "StandbyGuest",
        "CreateSnapshot_Task", "RemoveSnapshot_Task", "RemoveAllSnapshots_Task", "RevertToSnapshot_Task", "RevertToCurrentSnapshot_Task", "RenameSnapshot",
        "AnswerVM", "CancelTask", "CreateScreenshot_Task", "AcquireTicket",
        "EnterMaintenanceMode_Task", "ExitMaintenanceMode_Task", "RestartService", "StartService", "StopService", "UpdateServicePolicy", "UpdateDateTimeConfig",
        "QueryEvents", "QueryPerf", "QueryAvailablePerfMetric", "CreateDescriptor", "CreateImportSpec", "SearchDatastore_Task",
        "SearchDatastoreSubFolders_Task", "MakeDirectory", "CopyDatastoreFile_Task", "MoveDatastoreFile_Task", "DeleteDatastoreFile_Task",
        "ListProcessesInGuest", "StartProgramInGuest", "TerminateProcessInGuest", "InitiateFileTransferToGuest", "InitiateFileTransferFromGuest",
        "CreateTemporaryFileInGuest", "CreateTemporaryDirectoryInGuest", "DeleteFileInGuest", "DeleteDirectoryInGuest", "ListFilesInGuest",
        "MakeDirectoryInGuest", "MoveFileInGuest", "MoveDirectoryInGuest", "ReadEnvironmentVariableInGuest",
        "HttpNfcLeaseProgress", "ExportVm", "HttpNfcLeaseAbort",
    };

    /// <summary>
    /// Names, parents and paths from the index, to resolve an object's references without a round trip; null when the
    /// index may not answer (it is started then, if it was not).
    /// </summary>
    public IInventoryNames? CurrentNames()
    {
        Start();
        return IsCurrent ? new Names(this) : null;
    }

    /// <summary>The indexed objects of <paramref name="kind"/> whose name equals <paramref name="name"/> ignoring case, with their paths; null when the index may not answer.</summary>
    internal IReadOnlyList<InventoryObject>? Named(VSphereObjectKind kind, string name)
    {
        if (!IsCurrent)
        {
            return null;
        }
        return _byName.TryGetValue(name, out var named)
            ? named.Select(reference => Describe(kind, reference)).OfType<InventoryObject>().ToArray()
            : [];
    }

    /// <summary>Every indexed object of <paramref name="kind"/> with its path, sorted by path; null when the index may not answer.</summary>
    internal IReadOnlyList<InventoryObject>? List(VSphereObjectKind kind)
    {
        if (!IsCurrent)
        {
            return null;
        }
        var paths = new Dictionary<ManagedObjectReference, string>();
        return _entries.Keys.Select(reference => Describe(kind, reference, paths)).OfType<InventoryObject>()
            .OrderBy(found => found.Path, StringComparer.Ordinal).ToArray();
    }

    private InventoryObject? Describe(VSphereObjectKind kind, ManagedObjectReference reference, Dictionary<ManagedObjectReference, string>? paths = null)
    {
        if (!_entries.TryGetValue(reference, out var entry) || !entry.IsOfKind(kind))
        {
            return null;
        }
        return new InventoryObject(kind, reference, entry.Name, PathOf(reference, paths ?? []));
    }

    private string PathOf(ManagedObjectReference reference, Dictionary<ManagedObjectReference, string> known)
    {
        if (known.TryGetValue(reference, out var path))
        {
            return path;
        }
        // The root folder is not in a container view of itself: an object whose parent is not indexed hangs off the root.
        if (!_entries.TryGetValue(reference, out var entry))
        {
            return "";
        }
        var parentPath = entry.Parent is null || entry.Parent.Equals(reference) ? "" : PathOf(entry.Parent, known);
        path = parentPath.Length == 0 ? entry.Name : parentPath + "/" + entry.Name;
        known[reference] = path;
        return path;
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await _session.RunAsync(async (ticket, token) =>
                {
                    await FollowAsync(ticket, token).ConfigureAwait(false);
                    return true;
                }, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (error is VSphereException or HttpRequestException or OperationCanceledException or IOException)
            {
                _filled = false;
                LogIndexLost(error.Message);
                try
                {
                    await Task.Delay(RetryDelay, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Fills the index from scratch in this session and keeps it current until the session or the connection fails.</summary>
    private async Task FollowAsync(SessionTicket ticket, CancellationToken cancellationToken)
    {
        _filled = false;
        _entries.Clear();
        _byName.Clear();
        _portgroups.Clear();
        var view = await _properties.CreateViewAsync(ticket, container: null, ["ManagedEntity"], cancellationToken).ConfigureAwait(false);
        ManagedObjectReference collector;
        try
        {
            collector = await _collectors.CreateCollectorAsync(ticket, new PropertyFilterSpec
            {
                PropSet = IndexedTypes.Select(type => new PropertySpec { Type = type, PathSet = PathsOf(type) }).ToArray(),
                ObjectSet = [VSpherePropertyReader.ViewObjects(view, skipView: true)],
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await _properties.DestroyViewQuietlyAsync(view).ConfigureAwait(false);
            throw;
        }
        try
        {
            string? version = "";
            while (true)
            {
                var asked = Environment.TickCount64;
                var updates = (await _soap.CallAsync("WaitForUpdatesEx", collector,
                    [
                        new VimArgument("version", version),
                        new VimArgument("options", new WaitOptions { MaxWaitSeconds = MaxWaitSeconds, MaxObjectUpdates = MaxObjectUpdates }),
                    ], cancellationToken).ConfigureAwait(false)) as VimObject;
                if (updates is not null)
                {
                    version = updates.GetString("version");
                    Apply(updates);
                    if (updates.GetBoolean("truncated") == true)
                    {
                        continue; // The rest of this version comes with the next call, at once.
                    }
                }
                if (!_filled && version is { Length: > 0 })
                {
                    _filled = true;
                    LogIndexFilled(_entries.Count);
                    _firstFill.TrySetResult();
                }
                // Everything vCenter changed before this call was asked is applied now.
                Interlocked.Exchange(ref _currentAsOf, asked);
                Interlocked.Exchange(ref _applied, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
        }
        finally
        {
            _filled = false;
            await _collectors.DestroyCollectorQuietlyAsync(collector).ConfigureAwait(false);
            await _properties.DestroyViewQuietlyAsync(view).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What the index reads of objects of <paramref name="type"/>: name and parent; for a VM its template flag and the
    /// fields a VM listing shows (<see cref="VirtualMachineListingPaths"/>); a port group's key. One array per type,
    /// shared by its entries.
    /// </summary>
    private static string[] PathsOf(string type) => type switch
    {
        "VirtualMachine" => VirtualMachinePaths,
        "DistributedVirtualPortgroup" => PortgroupPaths,
        _ => NameAndParent,
    };

    /// <summary>An entry's properties as a read gives them (set ones only), kept as one array beside its type's paths.</summary>
    private sealed class Slots(string[] paths, VimValue?[] values) : IReadOnlyDictionary<string, VimValue>
    {
        public VimValue this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

        public IEnumerable<string> Keys => this.Select(pair => pair.Key);

        public IEnumerable<VimValue> Values => this.Select(pair => pair.Value);

        public int Count => values.Count(value => value is not null);

        public bool ContainsKey(string key) => TryGetValue(key, out _);

        public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out VimValue value)
        {
            var slot = Array.IndexOf(paths, key);
            value = slot >= 0 ? values[slot] : null;
            return value is not null;
        }

        public IEnumerator<KeyValuePair<string, VimValue>> GetEnumerator()
        {
            for (var slot = 0; slot < paths.Length; slot++)
            {
                if (values[slot] is { } value)
                {
                    yield return new KeyValuePair<string, VimValue>(paths[slot], value);
                }
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>The VM fields the index keeps live, so that a listing of them makes no round trip.</summary>
    public static readonly IReadOnlyList<string> VirtualMachineListingPaths =
    [
        "summary.runtime.powerState", "summary.config.numCpu", "summary.config.memorySizeMB", "summary.config.guestFullName",
        "summary.guest.ipAddress", "summary.runtime.host", "summary.guest.toolsStatus", "summary.config.template",
    ];

    // Declared after the listing paths, which they include (static fields initialize in order).
    private static readonly string[] NameAndParent = ["name", "parent"];
    private static readonly string[] PortgroupPaths = ["name", "parent", "key"];
    private static readonly string[] VirtualMachinePaths = ["name", "parent", "config.template", .. VirtualMachineListingPaths];

    /// <summary>
    /// The indexed objects of the types of <paramref name="pathsByType"/> (and their subtypes, as a property read gives
    /// them), when the index is current and keeps every path asked for; else null.
    /// </summary>
    internal IReadOnlyList<ObjectContent>? Contents(IReadOnlyDictionary<string, List<string>> pathsByType)
    {
        Start();
        if (!IsCurrent || pathsByType.Any(pair => !IndexedTypes.Contains(pair.Key) || pair.Value.Except(PathsOf(pair.Key), StringComparer.Ordinal).Any()))
        {
            return null;
        }
        return _entries.Values.Select(entry => entry.Content)
            .Where(content => pathsByType.ContainsKey(content.Ref.Type)
                || (InventorySnapshot.Subtypes.TryGetValue(content.Ref.Type, out var baseType) && pathsByType.ContainsKey(baseType)))
            .ToArray();
    }

    private void Apply(VimObject updateSet)
    {
        foreach (var filter in updateSet.GetArray("filterSet").OfType<VimObject>())
        {
            foreach (var update in filter.GetArray("objectSet").OfType<VimObject>())
            {
                if (update.GetReference("obj") is not { } reference)
                {
                    continue;
                }
                if (update.GetString("kind") == "leave")
                {
                    if (_entries.TryRemove(reference, out var gone))
                    {
                        Unname(gone.Name, reference);
                        if (gone.Key is not null)
                        {
                            _portgroups.TryRemove(gone.Key, out _);
                        }
                    }
                    continue;
                }
                var previous = _entries.GetValueOrDefault(reference);
                var before = previous?.Name;
                var paths = PathsOf(reference.Type);
                var values = previous?.Values.ToArray() ?? new VimValue?[paths.Length];
                foreach (var change in update.GetArray("changeSet").OfType<VimObject>())
                {
                    var slot = change.GetString("name") is { } path ? Array.IndexOf(paths, path) : -1;
                    if (slot >= 0)
                    {
                        values[slot] = change.GetString("op") != "remove" && change["val"] is { } value ? Compact(paths[slot], value) : null;
                    }
                }
                var entry = new Entry(new ObjectContent(reference, new Slots(paths, values)), values);
                _entries[reference] = entry;
                if (before is not null && before != entry.Name)
                {
                    Unname(before, reference);
                }
                if (before != entry.Name)
                {
                    _byName.AddOrUpdate(entry.Name, [reference], (_, named) => named.Contains(reference) ? named : [.. named, reference]);
                }
                if (entry.Key is not null)
                {
                    _portgroups[entry.Key] = reference;
                }
            }
        }
    }

    // Tens of thousands of VMs share a few folders, hosts, power states and guest names: one copy of each, not one per VM.
    private readonly ConcurrentDictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Type, string Value), ManagedObjectReference> _references = new();

    // The values that repeat across objects; others (names, IP addresses) are kept as read.
    private static readonly HashSet<string> RepeatingPaths = new(StringComparer.Ordinal)
    {
        "config.template", "summary.runtime.powerState", "summary.config.numCpu", "summary.config.memorySizeMB", "summary.config.guestFullName",
        "summary.guest.toolsStatus", "summary.config.template",
    };

    private string Pooled(string text) => _strings.GetOrAdd(text, text);

    /// <summary>A value as the index keeps it: references (parents, hosts) and repeating values shared.</summary>
    private VimValue Compact(string path, VimValue value) => value switch
    {
        ManagedObjectReference reference => _references.GetOrAdd((reference.Type, reference.Value), key => new ManagedObjectReference(Pooled(key.Type), key.Value)),
        VimPrimitive primitive when RepeatingPaths.Contains(path) =>
            new VimPrimitive(primitive.TypeName is null ? null : Pooled(primitive.TypeName), Pooled(primitive.Text)),
        VimPrimitive { TypeName: { } type } primitive => new VimPrimitive(Pooled(type), primitive.Text),
        _ => value,
    };

    private void Unname(string name, ManagedObjectReference reference)
    {
        // Only the index loop changes the index: a read-then-write is safe here.
        if (_byName.TryGetValue(name, out var named))
        {
            var rest = named.Where(other => !other.Equals(reference)).ToArray();
            if (rest.Length == 0)
            {
                _byName.TryRemove(name, out _);
            }
            else
            {
                _byName[name] = rest;
            }
        }
    }

    /// <summary>Stops following vCenter.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _stopping.Dispose();
    }

    private sealed class Names(InventoryIndex index) : IInventoryNames
    {
        private readonly Dictionary<ManagedObjectReference, string> _paths = [];

        public string? NameOf(ManagedObjectReference? reference) =>
            reference is not null && index._entries.TryGetValue(reference, out var entry) ? entry.Name : null;

        public ManagedObjectReference? ParentOf(ManagedObjectReference? reference) =>
            reference is not null && index._entries.TryGetValue(reference, out var entry) ? entry.Parent : null;

        public string PathOf(ManagedObjectReference reference) => index.PathOf(reference, _paths);

        public string? PortgroupName(string key) => index._portgroups.TryGetValue(key, out var portgroup) ? NameOf(portgroup) : null;
    }

    /// <summary>What the index keeps of an object: the properties it reads of its type (<see cref="PathsOf"/>), as a read would give them.</summary>
    private sealed record Entry(ObjectContent Content, VimValue?[] Values)
    {
        public string Name => Content.GetString("name") ?? Content.Ref.Value;

        public ManagedObjectReference? Parent => Content.GetReference("parent");

        public string? Key => Content.GetString("key");

        public bool IsOfKind(VSphereObjectKind kind) => InventoryLookup.IsOfKind(Content.Ref, Content.GetBoolean("config.template") == true, kind);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Inventory index filled: {Count} objects")]
    private partial void LogIndexFilled(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inventory index lost its watch ({Reason}); lookups ask vCenter until it is rebuilt")]
    private partial void LogIndexLost(string reason);
}
