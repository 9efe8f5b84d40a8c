using System.Text;

namespace McVSphere.SecurityTests.Infrastructure;

/// <summary>A raw MCP initialize POST, for what happens below the MCP client: status codes and headers.</summary>
internal static class InitializeRequest
{
    public static HttpRequestMessage Create(Uri endpoint)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(
                """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"security-tests","version":"1"}}}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        return request;
    }
}
