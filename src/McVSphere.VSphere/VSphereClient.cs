using McVSphere.VSphere.Http;
using McVSphere.VSphere.Lookup;
using McVSphere.VSphere.Properties;
using McVSphere.VSphere.Rest;
using McVSphere.VSphere.Session;
using McVSphere.VSphere.Soap;
using McVSphere.VSphere.Tasks;
using McVSphere.VSphere.Vim;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace McVSphere.VSphere;

/// <summary>
/// A vSphere (vim25) client over one HTTP connection pool and one session. It logs in lazily on first use, so a host
/// can start without vCenter; logs in again when the session is lost; and logs out on <see cref="DisposeAsync"/>.
/// Thread-safe: share one instance.
/// </summary>
public sealed class VSphereClient : IAsyncDisposable
{
    private readonly VSphereHttp _http;
    private readonly SoapClient _soap;
    private readonly VSphereSession _session;
    private readonly TaskWaiter _tasks;
    private readonly VapiRestClient _rest;
    private readonly PropertyWaiter _propertyWaiter;

    /// <summary>Creates a client; nothing is sent until the first call (or <see cref="ConnectAsync"/>).</summary>
    /// <exception cref="ArgumentException">The options are unusable (no server, bad thumbprint, unreadable CA bundle).</exception>
    public VSphereClient(VSphereConnectionOptions options, ILoggerFactory? loggerFactory = null)
        : this(options, loggerFactory, handler: null)
    {
    }

    /// <summary>Creates a client over a given HTTP handler (unit tests replay recorded responses through it).</summary>
    internal VSphereClient(VSphereConnectionOptions options, ILoggerFactory? loggerFactory, HttpMessageHandler? handler)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        loggerFactory ??= NullLoggerFactory.Instance;
        _http = new VSphereHttp(options, handler);
        _soap = new SoapClient(_http, loggerFactory.CreateLogger<SoapClient>());
        _session = new VSphereSession(_soap, options, _http.SdkUri, loggerFactory.CreateLogger<VSphereSession>());
        Properties = new VSpherePropertyReader(_session, _soap, options.PropertyPageSize, loggerFactory.CreateLogger<VSpherePropertyReader>());
        _propertyWaiter = new PropertyWaiter(_session, _soap, Properties, options, loggerFactory.CreateLogger<PropertyWaiter>());
        _tasks = new TaskWaiter(_session, _soap, _propertyWaiter, options, loggerFactory.CreateLogger<TaskWaiter>());
        Lookup = new InventoryLookup(Properties, options.InventoryIndex
            ? new InventoryIndex(_session, _soap, Properties, _propertyWaiter, loggerFactory.CreateLogger<InventoryIndex>())
            : null);
        _rest = new VapiRestClient(_http, options);
        Tagging = new TaggingClient(_rest);
    }

    /// <summary>The SDK endpoint, e.g. <c>https://vcenter.example.com/sdk</c>.</summary>
    public Uri ServerUri => _http.SdkUri;

    /// <summary>
    /// The server's ServiceContent: what it is (<see cref="ServiceContent.About"/>) and its managers.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not connected yet: call <see cref="ConnectAsync"/> first.</exception>
    public ServiceContent ServiceContent =>
        _session.Current?.Content ?? throw new InvalidOperationException("The client has not connected yet: await ConnectAsync first.");

    /// <summary>The logged-in session, or null before the first login.</summary>
    public UserSession? CurrentSession => _session.Current?.User;

    /// <summary>Bulk property reads.</summary>
    public VSpherePropertyReader Properties { get; }

    /// <summary>Finding inventory objects by name or inventory path.</summary>
    public InventoryLookup Lookup { get; }

    /// <summary>vSphere tags and categories, through the vAPI REST tagging service (its own session, same credentials and TLS).</summary>
    public TaggingClient Tagging { get; }

    /// <summary>The shared HTTP pool, TLS policy and session cookie, for vAPI REST and file transfers.</summary>
    internal VSphereHttp Http => _http;

    /// <summary>Runs long-lived work (watches) in the session, logging in again and restarting it if the session is lost.</summary>
    internal Task RunInSessionAsync(Func<SessionTicket, VSpherePropertyReader, PropertyWaiter, CancellationToken, Task> work, CancellationToken cancellationToken) =>
        _session.RunAsync(async (ticket, token) =>
        {
            await work(ticket, Properties, _propertyWaiter, token).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>Logs in now (if not yet logged in) and returns the server's ServiceContent.</summary>
    public async Task<ServiceContent> ConnectAsync(CancellationToken cancellationToken = default) =>
        (await _session.GetAsync(cancellationToken).ConfigureAwait(false)).Content;

    /// <summary>
    /// Asks vCenter whether the session is still logged in, with one cheap read (SessionManager.currentSession, which
    /// is unset for a session that is not), and logs in again when it is not. Unlike <see cref="ConnectAsync"/>, which
    /// answers from the cached login, this reaches vCenter every time.
    /// </summary>
    /// <returns>The session as vCenter reports it.</returns>
    public async Task<UserSession> CheckSessionAsync(CancellationToken cancellationToken = default)
    {
        var ticket = await _session.GetAsync(cancellationToken).ConfigureAwait(false);
        if (await ReadCurrentSessionAsync(ticket, cancellationToken).ConfigureAwait(false) is { } current)
        {
            return current;
        }
        ticket = await _session.RenewAsync(ticket, cancellationToken).ConfigureAwait(false);
        return await ReadCurrentSessionAsync(ticket, cancellationToken).ConfigureAwait(false)
            ?? throw new VSphereException($"{ServerUri} accepted the login but reports no current session.");
    }

    private async Task<UserSession?> ReadCurrentSessionAsync(SessionTicket ticket, CancellationToken cancellationToken)
    {
        var content = await Properties.RetrieveAsync(ticket.Content.SessionManager, ["currentSession"], cancellationToken).ConfigureAwait(false);
        return content["currentSession"] is { } session ? UserSession.From(session.AsObject()) : null;
    }

    /// <summary>
    /// Calls a vim25 method on <paramref name="target"/> with arguments in the method's parameter order, e.g.
    /// <c>InvokeAsync("CreateFolder", folder, [new("name", "Lab")])</c>, and returns its result (null for none).
    /// </summary>
    public Task<VimValue?> InvokeAsync(
        string method,
        ManagedObjectReference target,
        IEnumerable<VimArgument>? arguments = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(target);
        var argumentList = arguments?.ToArray();
        return _session.RunAsync(async (_, token) =>
        {
            try
            {
                return await _soap.CallAsync(method, target, argumentList, token).ConfigureAwait(false);
            }
            finally
            {
                // A method may change the inventory (reads go through Properties): the index catches up before it answers.
                Lookup.Index?.NoteCall(method);
            }
        }, cancellationToken);
    }

    /// <summary>
    /// Calls a <c>*_Task</c> method and waits for the task: reports its progress, cancels it in vCenter when
    /// <paramref name="cancellationToken"/> fires, and returns its result (e.g. the new VM or snapshot) or throws its fault.
    /// </summary>
    /// <param name="method">The method, e.g. <c>PowerOnVM_Task</c>.</param>
    /// <param name="target">The object it is called on.</param>
    /// <param name="arguments">Its arguments, in parameter order.</param>
    /// <param name="progress">Receives the task's progress.</param>
    /// <param name="timeout">How long to wait (default: the <see cref="ITaskWaitLimit"/> of <paramref name="progress"/>, else <see cref="VSphereConnectionOptions.TaskTimeout"/>).</param>
    /// <param name="cancellationToken">Cancels the wait and the task.</param>
    /// <exception cref="VimFaultException">The call or the task failed.</exception>
    /// <exception cref="VSphereTaskTimeoutException">The task did not finish in time.</exception>
    public Task<VimValue?> InvokeTaskAsync(
        string method,
        ManagedObjectReference target,
        IEnumerable<VimArgument>? arguments = null,
        IProgress<VSphereTaskProgress>? progress = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        StartAndWaitAsync(method, target, arguments, progress, timeout, questions: null, cancellationToken);

    /// <summary>
    /// Calls a <c>*_Task</c> method of a VM and waits for the task as <see cref="InvokeTaskAsync"/> does, following the
    /// VM's question (<c>runtime.question</c>) meanwhile, so that the wait never sits out its timeout on one: when the VM
    /// asks, <paramref name="answerQuestion"/> gives the key of the choice to answer with (AnswerVM) and the wait goes on,
    /// or null to stop waiting.
    /// </summary>
    /// <param name="method">The method, e.g. <c>ReconfigVM_Task</c>.</param>
    /// <param name="vm">The VM it is called on.</param>
    /// <param name="arguments">Its arguments, in parameter order.</param>
    /// <param name="answerQuestion">Answers a question the caller's intent settles (e.g. overriding the guest's CD/DVD lock on eject); null answers none.</param>
    /// <param name="progress">Receives the task's progress.</param>
    /// <param name="timeout">How long to wait; see <see cref="InvokeTaskAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the wait and the task.</param>
    /// <exception cref="VSphereVmQuestionException">The VM asks a question left unanswered; the task waits on in vCenter.</exception>
    public Task<VimValue?> InvokeVmTaskAsync(
        string method,
        ManagedObjectReference vm,
        IEnumerable<VimArgument>? arguments,
        Func<VirtualMachineQuestion, string?>? answerQuestion,
        IProgress<VSphereTaskProgress>? progress = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vm);
        return StartAndWaitAsync(method, vm, arguments, progress, timeout, new VmQuestionWatch(vm, answerQuestion), cancellationToken);
    }

    /// <summary>
    /// Calls a <c>*_Task</c> method and returns its task without waiting for it, for callers that cannot wait (an ESXi host
    /// reached directly takes the connection down with its reboot); <see cref="WaitForTaskAsync"/> waits for it later.
    /// </summary>
    public async Task<ManagedObjectReference> StartTaskAsync(string method, ManagedObjectReference target, IEnumerable<VimArgument>? arguments = null,
        CancellationToken cancellationToken = default)
    {
        var task = (await InvokeAsync(method, target, arguments, cancellationToken).ConfigureAwait(false))?.AsReference()
            ?? throw new VSphereException($"{method} returned no task.");
        TaskStartObserver.Report(task);
        return task;
    }

    private async Task<VimValue?> StartAndWaitAsync(string method, ManagedObjectReference target, IEnumerable<VimArgument>? arguments,
        IProgress<VSphereTaskProgress>? progress, TimeSpan? timeout, VmQuestionWatch? questions, CancellationToken cancellationToken)
    {
        var task = await StartTaskAsync(method, target, arguments, cancellationToken).ConfigureAwait(false);
        return await WaitAsync(task, method, progress, timeout, questions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits for a task of <paramref name="method"/> (null: unknown), then tells the index what it may have changed.</summary>
    private async Task<VimValue?> WaitAsync(ManagedObjectReference task, string? method, IProgress<VSphereTaskProgress>? progress, TimeSpan? timeout,
        VmQuestionWatch? questions, CancellationToken cancellationToken)
    {
        try
        {
            return await _tasks.WaitAsync(task, progress, timeout, questions, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (method is null)
            {
                Lookup.Index?.NoteWrite();
            }
            else
            {
                Lookup.Index?.NoteCall(method);
            }
        }
    }

    /// <summary>Waits for a task started earlier; see <see cref="InvokeTaskAsync"/>.</summary>
    public Task<VimValue?> WaitForTaskAsync(
        ManagedObjectReference task,
        IProgress<VSphereTaskProgress>? progress = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        WaitAsync(task, method: null, progress, timeout, questions: null, cancellationToken);

    /// <summary>
    /// Waits, without polling (WaitForUpdatesEx), until the property at <paramref name="path"/> of <paramref name="obj"/>
    /// satisfies <paramref name="condition"/> (which sees null for an unset property), e.g. until a VM's
    /// <c>guest.toolsRunningStatus</c> is <c>guestToolsRunning</c>. Returns at once when it already does; when
    /// <paramref name="timeout"/> passes first, the result is not <see cref="PropertyWaitResult.Matched"/>.
    /// </summary>
    /// <exception cref="VimFaultException">ManagedObjectNotFound: the object does not exist.</exception>
    public Task<PropertyWaitResult> WaitForPropertyAsync(
        ManagedObjectReference obj,
        string path,
        Func<VimValue?, bool> condition,
        TimeSpan timeout,
        CancellationToken cancellationToken = default) =>
        _propertyWaiter.WaitUntilAsync(obj, path, condition, timeout, cancellationToken);

    /// <summary>Logs out (best effort) and releases the connection pool.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Lookup.Index is { } index)
        {
            await index.DisposeAsync().ConfigureAwait(false);
        }
        await _rest.DisposeAsync().ConfigureAwait(false);
        await _session.DisposeAsync().ConfigureAwait(false);
        _http.Dispose();
    }
}
