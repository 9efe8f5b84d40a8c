using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace McVSphere.Host.Hosting;

/// <summary>JSON-RPC errors that the HTTP pipeline answers itself, before the MCP SDK's transport sees the request.</summary>
internal static partial class JsonRpcHttpErrors
{
    /// <summary>Writes a JSON-RPC error response for request <paramref name="id"/> with HTTP status <paramref name="status"/>.</summary>
    public static Task WriteAsync(HttpContext context, int status, JsonNode? id, int code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var error = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = id,
            ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
        };
        return context.Response.WriteAsync(error.ToJsonString(), context.RequestAborted);
    }

    /// <summary>The id as the client sent it (number or string), or null when it cannot be read (JSON-RPC 2.0 §5), and the method.</summary>
    /// <remarks>The request body must be buffered (<c>EnableBuffering</c>).</remarks>
    public static async Task<(JsonNode? Id, string? Method)> ReadIdAndMethodAsync(HttpRequest request)
    {
        try
        {
            request.Body.Position = 0;
            var message = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted) as JsonObject;
            var id = message?["id"] is JsonValue value && (value.GetValueKind() is JsonValueKind.Number or JsonValueKind.String) ? value.DeepClone() : null;
            var method = message?["method"] is JsonValue methodValue && methodValue.GetValueKind() == JsonValueKind.String ? methodValue.GetValue<string>() : null;
            // Only a plausible method name goes into the log and the error; anything else could forge log lines.
            return (id, method is not null && MethodName().IsMatch(method) ? method : null);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9_/.\-]{1,64}$")]
    private static partial Regex MethodName();
}
