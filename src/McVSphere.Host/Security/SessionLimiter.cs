using McVSphere.Host.Configuration;
using McVSphere.Host.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;

namespace McVSphere.Host.Security;

/// <summary>
/// How many MCP sessions each caller holds open at once over stateful HTTP, at most
/// <see cref="McVSphereOptions.MaxSessionsPerCaller"/> (MCVSPHERE_MAX_SESSIONS_PER_USER): every session keeps state
/// in the server until it is closed or idles out, so one caller opening sessions in a loop must not exhaust it.
/// A POST without <c>Mcp-Session-Id</c> (an initialize) takes a slot before the MCP transport sees it; the slot goes
/// with the session it opens and is given back when the session ends, or at once when none was opened.
/// </summary>
public sealed partial class SessionLimiter(McVSphereOptions options, CallerResolver callers, ILogger<SessionLimiter> logger)
{
    private const string SessionIdHeader = "Mcp-Session-Id";
    private const int ServerError = -32000;
    private static readonly object SlotItem = new();

    private readonly PerCallerSlots _slots = new(options.MaxSessionsPerCaller);

    /// <summary>The middleware in front of the MCP endpoint's POSTs.</summary>
    public async Task AdmitAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Headers.ContainsKey(SessionIdHeader))
        {
            await next(context);
            return;
        }
        var caller = callers.Resolve(context.User);
        var slot = _slots.TryTake(caller);
        if (slot is null)
        {
            LogRefused(caller.User, _slots.Limit);
            var (id, _) = await JsonRpcHttpErrors.ReadIdAndMethodAsync(context.Request);
            await JsonRpcHttpErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests, id, ServerError,
                $"Too many MCP sessions: user '{caller.User}' holds {_slots.Limit} open (the limit per user, {HostSettings.MaxSessionsPerCaller.Name}). " +
                "Close the sessions you no longer use (MCP clients send DELETE with their Mcp-Session-Id when they disconnect); idle sessions end after 2 h.");
            return;
        }
        var handedOn = false;
        try
        {
            context.Items[SlotItem] = slot;
            await next(context);
            handedOn = context.Response.Headers.ContainsKey(SessionIdHeader);
        }
        finally
        {
            if (!handedOn)
            {
                slot.Dispose();
            }
        }
    }

    /// <summary>The MCP transport's session runner: gives the session's slot back when it ends (closed, idle, or the server stops).</summary>
    public async Task RunSessionAsync(HttpContext context, McpServer server, CancellationToken cancellationToken)
    {
        // Read now: the initializing request's HttpContext is recycled once that request has completed.
        using var slot = context.Items[SlotItem] as IDisposable;
        await server.RunAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a new MCP session: user '{User}' holds {Limit} open (MCVSPHERE_MAX_SESSIONS_PER_USER)")]
    private partial void LogRefused(string user, int limit);
}
