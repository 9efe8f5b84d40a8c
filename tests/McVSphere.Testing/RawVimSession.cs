using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace McVSphere.Testing;

/// <summary>
/// A second vSphere client for checking the product against: bare SOAP over HttpClient (its own session), read with
/// XDocument, so that it shares no code with the client library. Reads the names of every object of some types
/// through a ContainerView, following RetrievePropertiesEx tokens page by page.
/// </summary>
public sealed class RawVimSession : IDisposable
{
    private static readonly XNamespace Vim = "urn:vim25";
    private readonly HttpClient _http;
    private readonly Uri _sdk;

    private RawVimSession(Uri sdk)
    {
        _sdk = sdk;
        _http = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), UseCookies = true });
    }

    /// <summary>Logs in to <paramref name="sdk"/> (e.g. http://127.0.0.1:41234/sdk).</summary>
    public static async Task<RawVimSession> LoginAsync(Uri sdk, string user, string password)
    {
        var session = new RawVimSession(sdk);
        await session.CallAsync($"""<Login xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this><userName>{user}</userName><password>{password}</password></Login>""");
        return session;
    }

    /// <summary>Creates a ContainerView of the objects of <paramref name="types"/> under the root folder; returns its id.</summary>
    public async Task<string> CreateViewAsync(params string[] types)
    {
        var response = await CallAsync(
            $"""<CreateContainerView xmlns="urn:vim25"><_this type="ViewManager">ViewManager</_this><container type="Folder">group-d1</container>{string.Concat(types.Select(type => $"<type>{type}</type>"))}<recursive>true</recursive></CreateContainerView>""");
        return response.Descendants(Vim + "returnval").Single().Value;
    }

    /// <summary>The first page of the names of the objects of <paramref name="type"/> in <paramref name="view"/>.</summary>
    public async Task<RawPage> RetrieveNamesAsync(string view, string type, int? maxObjects = null) =>
        Page(await CallAsync(
            $"""<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this><specSet><propSet><type>{type}</type><pathSet>name</pathSet></propSet><objectSet><obj type="ContainerView">{view}</obj><skip>true</skip><selectSet xsi:type="TraversalSpec"><name>view</name><type>ContainerView</type><path>view</path><skip>false</skip></selectSet></objectSet></specSet><options>{(maxObjects is { } max ? $"<maxObjects>{max}</maxObjects>" : "")}</options></RetrievePropertiesEx>"""));

    /// <summary>The next page of a retrieval.</summary>
    public async Task<RawPage> ContinueAsync(string token) =>
        Page(await CallAsync($"""<ContinueRetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this><token>{token}</token></ContinueRetrievePropertiesEx>"""));

    /// <summary>Every page of the names of the objects of <paramref name="type"/> in <paramref name="view"/>.</summary>
    public async Task<IReadOnlyList<RawPage>> RetrieveAllNamesAsync(string view, string type, int? maxObjects = null)
    {
        var pages = new List<RawPage> { await RetrieveNamesAsync(view, type, maxObjects) };
        while (pages[^1].Token is { } token)
        {
            pages.Add(await ContinueAsync(token));
        }
        return pages;
    }

    /// <summary>Sends one request body; a SOAP fault is a <see cref="RawVimFaultException"/> naming the fault type.</summary>
    public async Task<XDocument> CallAsync(string body)
    {
        using var content = new StringContent(
            $"""<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>""",
            Encoding.UTF8, "text/xml");
        content.Headers.Add("SOAPAction", "urn:vim25/8.0");
        using var response = await _http.PostAsync(_sdk, content);
        var document = XDocument.Parse(await response.Content.ReadAsStringAsync());
        if (document.Descendants(XName.Get("Fault", "http://schemas.xmlsoap.org/soap/envelope/")).FirstOrDefault() is { } fault)
        {
            var detail = fault.Element("detail")?.Elements().FirstOrDefault();
            var type = detail?.Attributes().FirstOrDefault(attribute => attribute.Name.LocalName == "type")?.Value ?? detail?.Name.LocalName ?? "";
            throw new RawVimFaultException(type, detail?.Element(Vim + "invalidProperty")?.Value, fault.Element("faultstring")?.Value ?? "");
        }
        response.EnsureSuccessStatusCode();
        return document;
    }

    private static RawPage Page(XDocument response)
    {
        var result = response.Descendants(Vim + "returnval").SingleOrDefault();
        var names = result?.Elements(Vim + "objects")
            .Select(objects => objects.Elements(Vim + "propSet").Single(property => property.Element(Vim + "name")?.Value == "name").Element(Vim + "val")!.Value)
            .ToArray() ?? [];
        var token = result?.Element(Vim + "token")?.Value;
        return new RawPage(names, string.IsNullOrEmpty(token) ? null : token);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// The simulator's paging counters (/vcsim/property-paging): calls of RetrievePropertiesEx,
    /// ContinueRetrievePropertiesEx and CancelRetrievePropertiesEx so far, and retrievals waiting for their token.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, int>> PagingStatsAsync(Uri sdk)
    {
        using var http = new HttpClient();
        var json = await http.GetStringAsync(new Uri(sdk, "/vcsim/property-paging"));
        return JsonSerializer.Deserialize<Dictionary<string, int>>(json)!;
    }
}

/// <summary>One RetrievePropertiesEx or ContinueRetrievePropertiesEx page: the names read, and the token of the next page.</summary>
public sealed record RawPage(IReadOnlyList<string> Names, string? Token);

/// <summary>A SOAP fault answered to <see cref="RawVimSession"/>.</summary>
public sealed class RawVimFaultException(string faultType, string? invalidProperty, string message) : Exception($"{faultType}: {message}")
{
    public string FaultType { get; } = faultType;

    public string? InvalidProperty { get; } = invalidProperty;
}
