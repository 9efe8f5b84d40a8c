using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using McVSphere.VSphere.Http;

namespace McVSphere.VSphere.Rest;

/// <summary>
/// Calls vCenter's vAPI REST endpoints under <c>/rest</c> over the client's HTTP pool (same TLS policy as SOAP). It logs
/// in lazily (POST <c>/rest/com/vmware/cis/session</c> with basic authentication of the client's credentials), sends the
/// session in the <c>vmware-api-session-id</c> header, logs in again once when the server answers 401, and logs out on
/// dispose. Answers are <c>{"value": …}</c>; errors <c>{"type": …, "value": {"messages": […]}}</c>.
/// </summary>
internal sealed class VapiRestClient : IAsyncDisposable
{
    public const string SessionHeader = "vmware-api-session-id";
    private const string SessionPath = "com/vmware/cis/session";

    private readonly VSphereHttp _http;
    private readonly VSphereConnectionOptions _options;
    private readonly Uri _base;
    private readonly Lock _gate = new();
    private Task<string>? _login;

    public VapiRestClient(VSphereHttp http, VSphereConnectionOptions options)
    {
        _http = http;
        _options = options;
        _base = new Uri(http.SdkUri, "/rest/");
    }

    /// <summary>
    /// Sends a request and returns the <c>value</c> of the answer (null when it has none). <paramref name="path"/> is
    /// relative to <c>/rest/</c>, query included; <paramref name="operation"/> says what is being done, for errors.
    /// </summary>
    /// <exception cref="VapiException">The server answered with an error.</exception>
    public async Task<JsonElement?> SendAsync(HttpMethod method, string path, JsonNode? body, string operation, CancellationToken cancellationToken)
    {
        var session = await GetSessionAsync(cancellationToken).ConfigureAwait(false);
        var (status, answer) = await ExchangeAsync(method, path, body, session, authorization: null, operation, cancellationToken).ConfigureAwait(false);
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
            (status, answer) = await ExchangeAsync(method, path, body, session, authorization: null, operation, cancellationToken).ConfigureAwait(false);
        }
        if (status is >= HttpStatusCode.OK and < HttpStatusCode.Ambiguous)
        {
            return answer is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("value", out var value) ? value : null;
        }
        throw Error(status, answer, operation);
    }

    /// <summary>Ends the session, if one was opened (best effort).</summary>
    public async ValueTask DisposeAsync()
    {
        Task<string>? login;
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
            await ExchangeAsync(HttpMethod.Delete, SessionPath, null, login.Result, authorization: null, "Logging out of the vAPI session", timeout.Token)
                .ConfigureAwait(false);
        }
        catch (Exception error) when (error is VSphereException or OperationCanceledException)
        {
            // The server ends idle sessions itself.
        }
    }

    private Task<string> GetSessionAsync(CancellationToken cancellationToken)
    {
        Task<string> login;
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

    private async Task<string> LoginAsync()
    {
        const string operation = "Logging in to the vAPI REST endpoint";
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_options.User}:{_options.Password}"));
        using var timeout = new CancellationTokenSource(_http.RequestTimeout);
        var (status, answer) = await ExchangeAsync(HttpMethod.Post, SessionPath, null, session: null,
            new AuthenticationHeaderValue("Basic", credentials), operation, timeout.Token).ConfigureAwait(false);
        if (status == HttpStatusCode.Unauthorized)
        {
            throw new VapiException(status, null, "vAPI login failed: the user name or password is incorrect.");
        }
        if (status is < HttpStatusCode.OK or >= HttpStatusCode.Ambiguous)
        {
            throw Error(status, answer, operation);
        }
        return answer is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("value", out var id) && id.GetString() is { Length: > 0 } session
            ? session
            : throw new VSphereException($"{operation} failed: the server answered without a session id.");
    }

    private async Task<(HttpStatusCode Status, JsonElement? Answer)> ExchangeAsync(HttpMethod method, string path, JsonNode? body, string? session,
        AuthenticationHeaderValue? authorization, string operation, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_base, path));
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
                throw _http.TimedOut(operation, error);
            }
            throw _http.DescribeFailure(error, operation) ?? new VSphereException($"{operation} failed: {error.Message}", error);
        }
    }

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
        var messages = new List<string>();
        if (answer is { ValueKind: JsonValueKind.Object } root)
        {
            type = root.TryGetProperty("type", out var typeElement) ? typeElement.GetString() : null;
            if (root.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Object
                && value.TryGetProperty("messages", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                messages.AddRange(list.EnumerateArray()
                    .Select(message => message.ValueKind == JsonValueKind.String ? message.GetString()
                        : message.TryGetProperty("default_message", out var text) ? text.GetString() : null)
                    .OfType<string>());
            }
        }
        var reason = type?[(type.LastIndexOf('.') + 1)..].Replace('_', ' ') ?? $"HTTP {(int)status} {status}";
        return new VapiException(status, type,
            $"{operation} failed: {reason}{(messages.Count > 0 ? " (" + string.Join(" ", messages) + ")" : "")}.");
    }
}
