using McVSphere.VSphere.Soap;
using McVSphere.VSphere.Vim;
using Microsoft.Extensions.Logging;

namespace McVSphere.VSphere.Session;

/// <summary>A logged-in session: what the server is and who we are. A new login makes a new ticket.</summary>
internal sealed record SessionTicket(ServiceContent Content, UserSession User);

/// <summary>
/// Owns the login: logs in lazily on first use, shares one login (or re-login) among concurrent callers, runs
/// operations with one retry after the server reports the session lost (<c>NotAuthenticated</c>), keeps an idle
/// session alive, and logs out on dispose.
/// </summary>
internal sealed partial class VSphereSession : IAsyncDisposable
{
    private static readonly ManagedObjectReference ServiceInstance = new("ServiceInstance", "ServiceInstance");

    private readonly SoapClient _soap;
    private readonly VSphereConnectionOptions _options;
    private readonly Uri _server;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _keepAlive;
    private Task<SessionTicket>? _login;
    private long _lastUse = Environment.TickCount64;

    public VSphereSession(SoapClient soap, VSphereConnectionOptions options, Uri server, ILogger logger)
    {
        _soap = soap;
        _options = options;
        _server = server;
        _logger = logger;
        _keepAlive = options.KeepAliveInterval is { } interval && interval > TimeSpan.Zero
            ? KeepAliveAsync(interval, _stopping.Token)
            : Task.CompletedTask;
    }

    /// <summary>The current ticket, if logged in.</summary>
    public SessionTicket? Current
    {
        get
        {
            lock (_gate)
            {
                return _login is { IsCompletedSuccessfully: true } login ? login.Result : null;
            }
        }
    }

    /// <summary>The session, logging in first if there is none (or the last login failed).</summary>
    public Task<SessionTicket> GetAsync(CancellationToken cancellationToken)
    {
        Task<SessionTicket> login;
        lock (_gate)
        {
            if (_login is null || _login.IsFaulted || _login.IsCanceled)
            {
                _login = LoginAsync();
            }
            login = _login;
        }
        return login.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Runs an operation in the session. When the server says the session is gone, logs in again (once for all the
    /// callers that saw the same session die) and runs the operation a second time.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<SessionTicket, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        Interlocked.Exchange(ref _lastUse, Environment.TickCount64);
        var ticket = await GetAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await operation(ticket, cancellationToken).ConfigureAwait(false);
        }
        catch (VimFaultException fault) when (fault.FaultType == VimFaultTypes.NotAuthenticated)
        {
            LogSessionLost(_server);
            ticket = await RenewAsync(ticket, cancellationToken).ConfigureAwait(false);
            return await operation(ticket, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _keepAlive.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (Current is { } ticket)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _soap.CallAsync("Logout", ticket.Content.SessionManager, null, timeout.Token).ConfigureAwait(false);
                LogLoggedOut(_server);
            }
            catch (Exception error)
            {
                // Best effort: the session expires on the server anyway, and disposal must not fail.
                LogLogoutFailed(_server, error.Message);
            }
        }
        _stopping.Dispose();
    }

    /// <summary>Logs in again unless another caller already replaced <paramref name="stale"/>; one login for all of them.</summary>
    public Task<SessionTicket> RenewAsync(SessionTicket stale, CancellationToken cancellationToken)
    {
        Task<SessionTicket> login;
        lock (_gate)
        {
            var sameSession = _login is { IsCompletedSuccessfully: true } done && ReferenceEquals(done.Result, stale);
            if (_login is null || _login.IsFaulted || _login.IsCanceled || sameSession)
            {
                _login = LoginAsync();
            }
            login = _login;
        }
        return login.WaitAsync(cancellationToken);
    }

    /// <summary>Logs in, not bound to any one caller's cancellation: other callers may be waiting for the same login.</summary>
    private async Task<SessionTicket> LoginAsync()
    {
        var content = ServiceContent.From((await _soap.CallAsync("RetrieveServiceContent", ServiceInstance, null, CancellationToken.None)
            .ConfigureAwait(false))?.AsObject() ?? throw new VSphereException($"{_server} returned no ServiceContent."));
        if (content.About.ApiVersion.Length > 0)
        {
            _soap.ApiVersion = content.About.ApiVersion;
        }
        VimValue? session;
        try
        {
            session = await _soap.CallAsync("Login", content.SessionManager,
                [new VimArgument("userName", _options.User), new VimArgument("password", _options.Password)],
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (VimFaultException fault) when (fault.FaultType == VimFaultTypes.InvalidLogin)
        {
            throw new VimFaultException(fault.FaultType,
                $"InvalidLogin: {_server.GetLeftPart(UriPartial.Authority)} rejected the login of user '{_options.User}': the user name or password is " +
                "incorrect (check VCENTER_USER and VCENTER_PASSWORD).", fault.Fault);
        }
        var user = UserSession.From(session?.AsObject() ?? throw new VSphereException($"{_server} returned no session for Login."));
        LogLoggedIn(_server, content.About.FullName, user.UserName);
        return new SessionTicket(content, user);
    }

    private async Task KeepAliveAsync(TimeSpan interval, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                var idle = TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastUse));
                if (Current is null || idle < interval * 0.9)
                {
                    continue;
                }
                try
                {
                    await RunAsync((_, token) => _soap.CallAsync("CurrentTime", ServiceInstance, null, token), stopping).ConfigureAwait(false);
                }
                catch (VSphereException error)
                {
                    LogKeepAliveFailed(_server, error.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Logged in to {Server} ({Product}) as {User}")]
    private partial void LogLoggedIn(Uri server, string product, string user);

    [LoggerMessage(Level = LogLevel.Information, Message = "The session with {Server} was lost (NotAuthenticated); logging in again")]
    private partial void LogSessionLost(Uri server);

    [LoggerMessage(Level = LogLevel.Information, Message = "Logged out of {Server}")]
    private partial void LogLoggedOut(Uri server);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Logout from {Server} failed: {Reason}")]
    private partial void LogLogoutFailed(Uri server, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Keep-alive of the session with {Server} failed: {Reason}")]
    private partial void LogKeepAliveFailed(Uri server, string reason);
}
