using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace McVSphere.Host.Hosting;

/// <summary>
/// Answers a POST to the MCP endpoint whose JSON the MCP SDK's HTTP transport cannot bind (e.g. <c>initialize</c>
/// with <c>params: {}</c>, which it deserializes before any filter runs and lets escape as an exception) with a
/// JSON-RPC error (-32602, Invalid params) naming what is wrong, instead of an HTTP 500, and logs one line.
/// </summary>
internal sealed partial class MalformedMcpRequestMiddleware(RequestDelegate next, ILogger<MalformedMcpRequestMiddleware> logger)
{
    private const int InvalidParams = -32602;

    public async Task InvokeAsync(HttpContext context)
    {
        // Kept readable so that the error can carry the request's id.
        context.Request.EnableBuffering();
        try
        {
            await next(context);
        }
        catch (JsonException exception) when (!context.Response.HasStarted)
        {
            var (id, method) = await ReadIdAndMethodAsync(context.Request);
            LogMalformed(logger, method ?? "(none)", exception.Message);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "application/json";
            var error = new JsonObject
            {
                ["jsonrpc"] = "2.0",
                ["id"] = id,
                ["error"] = new JsonObject
                {
                    ["code"] = InvalidParams,
                    ["message"] = method is null
                        ? $"Invalid request: {exception.Message}"
                        : $"Invalid params for '{method}': {exception.Message} See the MCP schema for '{method}'.",
                },
            };
            await context.Response.WriteAsync(error.ToJsonString(), context.RequestAborted);
        }
    }

    // The id as the client sent it (number or string), or null when it cannot be read (JSON-RPC 2.0 §5).
    private static async Task<(JsonNode? Id, string? Method)> ReadIdAndMethodAsync(HttpRequest request)
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a malformed MCP request ({Method}): {Reason}")]
    private static partial void LogMalformed(ILogger logger, string method, string reason);
}
