using System.Text.Json;
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
            var (id, method) = await JsonRpcHttpErrors.ReadIdAndMethodAsync(context.Request);
            LogMalformed(logger, method ?? "(none)", exception.Message);
            await JsonRpcHttpErrors.WriteAsync(context, StatusCodes.Status400BadRequest, id, InvalidParams, method is null
                ? $"Invalid request: {exception.Message}"
                : $"Invalid params for '{method}': {exception.Message} See the MCP schema for '{method}'.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a malformed MCP request ({Method}): {Reason}")]
    private static partial void LogMalformed(ILogger logger, string method, string reason);
}
