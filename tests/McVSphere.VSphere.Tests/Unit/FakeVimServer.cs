using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace McVSphere.VSphere.Tests.Unit;

/// <summary>
/// A vim25 endpoint in memory for unit tests: replays recorded or hand-written SOAP responses by method name, in order
/// (the last one repeats), and records the requests. Logs in with the recorded RetrieveServiceContent and Login.
/// </summary>
internal sealed partial class FakeVimServer : HttpMessageHandler
{
    private readonly Dictionary<string, Queue<Func<string, Task<HttpResponseMessage>>>> _replies = new(StringComparer.Ordinal);
    private readonly List<(string Method, string Body)> _calls = [];

    public FakeVimServer()
    {
        Reply("RetrieveServiceContent", Recorded("RetrieveServiceContent"));
        Reply("Login", Recorded("Login"));
        Reply("DestroyView", Recorded("DestroyView"));
        Reply("Logout", Envelope("<LogoutResponse xmlns=\"urn:vim25\"/>"));
    }

    /// <summary>The methods called, in order, with their request bodies.</summary>
    public IReadOnlyList<(string Method, string Body)> Calls
    {
        get
        {
            lock (_calls)
            {
                return _calls.ToArray();
            }
        }
    }

    public IEnumerable<string> Methods => Calls.Select(call => call.Method);

    public static string Recorded(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Recorded", name + ".xml"));

    public static string Envelope(string body) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" " +
        "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">" +
        $"<soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>";

    public static string Fault(string faultString, string detail) =>
        Envelope($"<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>{faultString}</faultstring><detail>{detail}</detail></soapenv:Fault>");

    /// <summary>Queues a response (HTTP 500 for a fault) to the next call of <paramref name="method"/>.</summary>
    public FakeVimServer Reply(string method, string xml) =>
        Reply(method, _ => Task.FromResult(Response(xml)));

    /// <summary>Queues a computed response to the next call of <paramref name="method"/>.</summary>
    public FakeVimServer Reply(string method, Func<string, Task<HttpResponseMessage>> reply)
    {
        if (!_replies.TryGetValue(method, out var queue))
        {
            _replies[method] = queue = new Queue<Func<string, Task<HttpResponseMessage>>>();
        }
        queue.Enqueue(reply);
        return this;
    }

    /// <summary>Replaces the queued responses of <paramref name="method"/>.</summary>
    public FakeVimServer ReplyOnly(string method, string xml)
    {
        _replies.Remove(method);
        return Reply(method, xml);
    }

    public VSphereClient CreateClient(RecordingLoggerFactory? logs = null) => new(new VSphereConnectionOptions
    {
        Server = "vcenter.test",
        User = "u",
        Password = "p",
        KeepAliveInterval = null,
        RequestTimeout = TimeSpan.FromSeconds(10),
    }, logs, this);

    public static HttpResponseMessage Response(string xml) => new(xml.Contains("<soapenv:Fault>", StringComparison.Ordinal)
        ? HttpStatusCode.InternalServerError
        : HttpStatusCode.OK)
    {
        Content = new StringContent(xml, Encoding.UTF8, "text/xml"),
    };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = await request.Content!.ReadAsStringAsync(cancellationToken);
        var method = MethodElement().Match(body).Groups[1].Value;
        lock (_calls)
        {
            _calls.Add((method, body));
        }
        if (!_replies.TryGetValue(method, out var queue) || queue.Count == 0)
        {
            throw new InvalidOperationException($"The fake server has no reply for {method}.");
        }
        var reply = queue.Count > 1 ? queue.Dequeue() : queue.Peek();
        return await reply(body).WaitAsync(cancellationToken);
    }

    [GeneratedRegex("<soapenv:Body><([A-Za-z_]+) xmlns=\"urn:vim25\">")]
    private static partial Regex MethodElement();
}
