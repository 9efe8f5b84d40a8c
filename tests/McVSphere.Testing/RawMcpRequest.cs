using System.Text;

namespace McVSphere.Testing;

/// <summary>Raw MCP POSTs, for what happens below the MCP client: status codes and headers.</summary>
public static class RawMcpRequest
{
    public static HttpRequestMessage Initialize(Uri endpoint) => Create(endpoint,
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw-tests","version":"1"}}}""");

    public static HttpRequestMessage Create(Uri endpoint, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        return request;
    }
}
