using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using McVSphere.VSphere.Http;

namespace McVSphere.VSphere.Rest;

/// <summary>
/// Calls vCenter's vAPI REST endpoints over the client's HTTP pool (same TLS policy as SOAP): <c>/api</c>, which vCenter
/// 7.0U2 and later serve, or else the older <c>/rest</c> (deprecated since 7.0U2, the only one before). Which one is
/// found out once per session, at login: POST <c>/api/session</c> with basic authentication of the client's
/// credentials, and POST <c>/rest/com/vmware/cis/session</c> when the server has no <c>/api</c> (404). The session goes
/// in the <c>vmware-api-session-id</c> header; a 401 logs in again once; dispose logs out. <c>/api</c> answers are bare
/// JSON, errors <c>{"error_type": …, "messages": […]}</c>; <c>/rest</c> answers are <c>{"value": …}</c>, errors
/// <c>{"type": …, "value": {"messages": […]}}</c>.
/// </summary>
internal sealed class VapiRestClient : IAsyncDisposable
{
    public const string SessionHeader = "vmware-api-session-id";

    /// <summary>The vAPI error types are named as <c>/rest</c> names them, whichever endpoint answered.</summary>
    private const string ErrorTypePrefix = "com.vmware.vapi.std.errors.";

    private static readonly VapiCall SessionCall = new(HttpMethod.Post, "session", null, "com/vmware/cis/session", null, "Logging in to the vAPI endpoint");

    private readonly VSphereHttp _http;
    private readonly VSphereConnectionOptions _options;
    private readonly Uri _apiBase;
    private readonly Uri _restBase;
    private readonly Lock _gate = new();
    private Task<VapiSession>? _login;

    public VapiRestClient(VSphereHttp http, VSphereConnectionOptions options)
    {
        _http = http;
        _options = options;
        _apiBase = new Uri(http.SdkUri, "/api/");
        _restBase = new Uri(http.SdkUri, "/rest/");
    }

    /// <summary>
    /// Sends a call to the endpoint the server serves and returns its result (null when it has none).
    /// </summary>
    /// <exception cref="VapiException">The server answered with an error.</exception>
    public async Task<JsonElement?> SendAsync(VapiCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var session = await GetSessionAsync(cancellationToken).ConfigureAwait(false);
        var (status, answer) = await ExchangeAsync(call, session.Endpoint, session.Id, authorization: null, cancellationToken).ConfigureAwait(false);
        if (status == HttpStatusCode.Unauthorized)
        {
            // The session expired or was ended: log in again (once for every caller that saw it die) and retry.
            lock (_gate)
            {
                if (_login is { IsCompletedSuccessfully: true } login && login.Result == session)
                {
                    _login = null;
                }
            }
            session = await GetSessionAsync(cancellationToken).ConfigureAwait(false);
            (status, answer) = await ExchangeAsync(call, session.Endpoint, session.Id, authorization: null, cancellationToken).ConfigureAwait(false);
        }
        if (status is >= HttpStatusCode.OK and < HttpStatusCode.Ambiguous)
        {
            return Result(session.Endpoint, answer);
        }
        throw Error(status, answer, call.Operation);
    }

    /// <summary>Ends the session, if one was opened (best effort).</summary>
    public async ValueTask DisposeAsync()
    {
        Task<VapiSession>? login;
        lock (_gate)
        {
            login = _login;
            _login = null;
        }
        if (login is not { IsCompletedSuccessfully: true })
        {
            return;
        }
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var session = login.Result;
            await ExchangeAsync(SessionCall with { Method = HttpMethod.Delete, Operation = "Logging out of the vAPI session" }, session.Endpoint, session.Id,
                authorization: null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is VSphereException or OperationCanceledException)
        {
            // The server ends idle sessions itself.
        }
    }

    private Task<VapiSession> GetSessionAsync(CancellationToken cancellationToken)
    {
        Task<VapiSession> login;
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

    private async Task<VapiSession> LoginAsync()
    {
        var credentials = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_options.User}:{_options.Password}")));
        using var timeout = new CancellationTokenSource(_http.RequestTimeout);
        var endpoint = VapiEndpoint.Api;
        var (status, answer) = await ExchangeAsync(SessionCall, endpoint, session: null, credentials, timeout.Token).ConfigureAwait(false);
        if (status == HttpStatusCode.NotFound)
        {
            // No /api: a vCenter before 7.0U2.
            endpoint = VapiEndpoint.Rest;
            (status, answer) = await ExchangeAsync(SessionCall, endpoint, session: null, credentials, timeout.Token).ConfigureAwait(false);
        }
        if (status == HttpStatusCode.Unauthorized)
        {
            throw new VapiException(status, null, "vAPI login failed: the user name or password is incorrect.");
        }
        if (status is < HttpStatusCode.OK or >= HttpStatusCode.Ambiguous)
        {
            throw Error(status, answer, SessionCall.Operation);
        }
        return Result(endpoint, answer) is { ValueKind: JsonValueKind.String } id && id.GetString() is { Length: > 0 } session
            ? new VapiSession(session, endpoint)
            : throw new VSphereException($"{SessionCall.Operation} failed: the server answered without a session id.");
    }

    private async Task<(HttpStatusCode Status, JsonElement? Answer)> ExchangeAsync(VapiCall call, VapiEndpoint endpoint, string? session,
        AuthenticationHeaderValue? authorization, CancellationToken cancellationToken)
    {
        var (uri, body) = endpoint == VapiEndpoint.Api
            ? (new Uri(_apiBase, call.ApiPath), call.ApiBody)
            : (new Uri(_restBase, call.RestPath), call.RestBody);
        using var request = new HttpRequestMessage(call.Method, uri);
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Authorization = authorization;
        if (session is not null)
        {
            request.Headers.Add(SessionHeader, session);
        }
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_http.RequestTimeout);
        try
        {
            using var response = await _http.Client.SendAsync(request, deadline.Token).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false);
            return (response.StatusCode, Parse(text));
        }
        catch (Exception error) when (error is not VSphereException && !cancellationToken.IsCancellationRequested)
        {
            if (deadline.IsCancellationRequested)
            {
                throw _http.TimedOut(call.Operation, error);
            }
            throw _http.DescribeFailure(error, call.Operation) ?? new VSphereException($"{call.Operation} failed: {error.Message}", error);
        }
    }

    /// <summary>The result of a successful answer: the answer itself from <c>/api</c>, its <c>value</c> from <c>/rest</c>.</summary>
    private static JsonElement? Result(VapiEndpoint endpoint, JsonElement? answer) => endpoint switch
    {
        VapiEndpoint.Api => answer,
        _ => answer is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("value", out var value) ? value : null,
    };

    private static JsonElement? Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null; // Plain-text error pages ("404 page not found").
        }
    }

    /// <summary>The error of an answer: its vAPI type (e.g. <c>already_exists</c>) and messages, when it has them.</summary>
    private static VapiException Error(HttpStatusCode status, JsonElement? answer, string operation)
    {
        string? type = null;
        JsonElement messageList = default;
        if (answer is { ValueKind: JsonValueKind.Object } root)
        {
            if (root.TryGetProperty("error_type", out var apiType) && apiType.GetString() is { Length: > 0 } apiName)
            {
                // /api: {"error_type": "NOT_FOUND", "messages": [...]}
                type = ErrorTypePrefix + apiName.ToLowerInvariant();
                root.TryGetProperty("messages", out messageList);
            }
            else
            {
                // /rest: {"type": "com.vmware.vapi.std.errors.not_found", "value": {"messages": [...]}}
                type = root.TryGetProperty("type", out var restType) ? restType.GetString() : null;
                if (root.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Object)
                {
                    value.TryGetProperty("messages", out messageList);
                }
            }
        }
        var messages = messageList.ValueKind == JsonValueKind.Array
            ? messageList.EnumerateArray()
                .Select(message => message.ValueKind == JsonValueKind.String ? message.GetString()
                    : message.ValueKind == JsonValueKind.Object && message.TryGetProperty("default_message", out var text) ? text.GetString() : null)
                .OfType<string>()
                .ToArray()
            : [];
        var reason = type?[(type.LastIndexOf('.') + 1)..].Replace('_', ' ') ?? $"HTTP {(int)status} {status}";
        return new VapiException(status, type,
            $"{operation} failed: {reason}{(messages.Length > 0 ? " (" + string.Join(" ", messages) + ")" : "")}.");
    }

    private sealed record VapiSession(string Id, VapiEndpoint Endpoint);
}

/// <summary>Which vAPI REST endpoint a server serves.</summary>
internal enum VapiEndpoint
{
    /// <summary><c>/api</c>: vCenter 7.0U2 and later.</summary>
    Api,

    /// <summary><c>/rest</c> only: vCenter before 7.0U2.</summary>
    Rest,
}

/// <summary>
/// One vAPI call as each endpoint spells it: <c>/api</c> paths take ids bare and <c>?action=</c>, and bodies are the spec
/// itself; <c>/rest</c> paths take <c>id:</c> ids and <c>?~action=</c>, and wrap specs (<c>{"create_spec": …}</c>).
/// Paths are relative to <c>/api/</c> and <c>/rest/</c>, query included; <c>Operation</c> says what is being done, for errors.
/// </summary>
internal sealed record VapiCall(HttpMethod Method, string ApiPath, JsonNode? ApiBody, string RestPath, JsonNode? RestBody, string Operation);
