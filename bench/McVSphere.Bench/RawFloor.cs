using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace McVSphere.Bench;

/// <summary>
/// The floor: one pre-built RetrievePropertiesEx request for the same properties as list_vms, sent with a bare
/// HttpClient and followed page by page (ContinueRetrievePropertiesEx) to the end. Login and the container view are
/// set up before the clock starts.
/// </summary>
public sealed partial class RawFloor : IDisposable
{
    private const string Envelope = """<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>{0}</soapenv:Body></soapenv:Envelope>""";
    private readonly HttpClient _http;
    private readonly Uri _sdk;
    private string _retrieveBody = "";

    private RawFloor(Uri sdk)
    {
        _sdk = sdk;
        _http = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), UseCookies = true });
    }

    /// <summary>Logs in, creates a container view of every VM and pre-builds the request.</summary>
    public static async Task<RawFloor> PrepareAsync(Uri sdk, string user, string password, IReadOnlyList<string> paths)
    {
        var floor = new RawFloor(sdk);
        await floor.CallAsync("""<RetrieveServiceContent xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent>""");
        await floor.CallAsync($"""<Login xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this><userName>{user}</userName><password>{password}</password></Login>""");
        var view = await floor.CallAsync("""<CreateContainerView xmlns="urn:vim25"><_this type="ViewManager">ViewManager</_this><container type="Folder">group-d1</container><type>VirtualMachine</type><recursive>true</recursive></CreateContainerView>""");
        var viewId = ReturnValue().Match(view).Groups[1].Value;
        var pathSet = string.Concat(paths.Select(p => $"<pathSet>{p}</pathSet>"));
        floor._retrieveBody = string.Format(Envelope,
            $"""<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this><specSet><propSet><type>VirtualMachine</type>{pathSet}</propSet><objectSet><obj type="ContainerView">{viewId}</obj><skip>true</skip><selectSet xsi:type="TraversalSpec"><name>view</name><type>ContainerView</type><path>view</path><skip>false</skip></selectSet></objectSet></specSet><options></options></RetrievePropertiesEx>""");
        return floor;
    }

    /// <summary>
    /// Sends the pre-built request, then ContinueRetrievePropertiesEx while a page carries a token (as vCenter pages,
    /// and the test bed at 100 objects a page), reading each response whole; returns the bytes, pages and objects read.
    /// </summary>
    public async Task<(long Bytes, int Pages, int Objects)> RetrieveAsync()
    {
        long bytes = 0;
        int pages = 0, objects = 0;
        for (var body = _retrieveBody; body is not null; pages++)
        {
            using var content = new StringContent(body, Encoding.UTF8, "text/xml");
            content.Headers.Add("SOAPAction", "urn:vim25/8.0");
            using var response = await _http.PostAsync(_sdk, content);
            response.EnsureSuccessStatusCode();
            var page = await response.Content.ReadAsByteArrayAsync();
            bytes += page.Length;
            objects += Occurrences(page, ObjectsStart);
            var token = Token(page);
            body = token is null ? null : string.Format(Envelope,
                $"""<ContinueRetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this><token>{token}</token></ContinueRetrievePropertiesEx>""");
        }
        return (bytes, pages, objects);
    }

    private static readonly byte[] ObjectsStart = "<objects>"u8.ToArray();
    private static readonly byte[] TokenStart = "<token>"u8.ToArray();
    private static readonly byte[] TokenEnd = "</token>"u8.ToArray();

    private static int Occurrences(ReadOnlySpan<byte> text, ReadOnlySpan<byte> what)
    {
        var count = 0;
        for (var at = text.IndexOf(what); at >= 0; at = text.IndexOf(what))
        {
            count++;
            text = text[(at + what.Length)..];
        }
        return count;
    }

    private static string? Token(ReadOnlySpan<byte> page)
    {
        var start = page.IndexOf(TokenStart);
        if (start < 0)
        {
            return null;
        }
        var rest = page[(start + TokenStart.Length)..];
        return Encoding.UTF8.GetString(rest[..rest.IndexOf(TokenEnd)]);
    }

    private async Task<string> CallAsync(string body)
    {
        using var content = new StringContent(string.Format(Envelope, body), Encoding.UTF8, "text/xml");
        content.Headers.Add("SOAPAction", "urn:vim25/8.0");
        using var response = await _http.PostAsync(_sdk, content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"raw SOAP call failed: {text}");
        }
        return text;
    }

    [GeneratedRegex("<returnval[^>]*>([^<]+)</returnval>")]
    private static partial Regex ReturnValue();

    public void Dispose() => _http.Dispose();
}
