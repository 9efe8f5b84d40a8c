using McVSphere.Sdk.Errors;
using McVSphere.VSphere;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McVSphere.Host.Mcp;

/// <summary>
/// Turns what a tool throws into an MCP tool error (<c>isError: true</c>) with text the assistant can act on.
/// Expected failures (bad arguments, vSphere faults) are logged briefly; anything else is logged with its stack
/// and reported without internals. Nothing a tool throws takes the server down.
/// </summary>
public static class ToolErrorFilter
{
    public static McpRequestHandler<CallToolRequestParams, CallToolResult> Apply(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        async (context, cancellationToken) =>
        {
            try
            {
                return await next(context, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var tool = context.Params?.Name ?? "?";
                var logger = context.Services?.GetService<ILoggerFactory>()?.CreateLogger(typeof(ToolErrorFilter).FullName!);
                // A URL argument's password must not come back in a message that quotes the URL.
                var text = Security.ArgumentRedactor.RedactUrlCredentials(Describe(ex));
                if (IsExpected(ex))
                {
                    logger?.LogInformation("Tool {Tool} failed: {Error}", tool, text);
                }
                else
                {
                    logger?.LogError(ex, "Tool {Tool} failed unexpectedly", tool);
                    text = Security.ArgumentRedactor.RedactUrlCredentials($"Internal error in {tool}: {ex.GetType().Name}: {ex.Message}");
                }
                return ErrorResult(text);
            }
        };

    /// <summary>An MCP tool error result with one text block.</summary>
    public static CallToolResult ErrorResult(string text) => new()
    {
        IsError = true,
        Content = [new TextContentBlock { Text = text }],
    };

    // Argument and JSON errors are thrown by the MCP SDK when it binds a call's arguments to the tool's parameters.
    private static bool IsExpected(Exception ex) =>
        ex is ToolException or VSphereException or ModelContextProtocol.McpException or ArgumentException or System.Text.Json.JsonException;

    /// <summary>The caller-facing text of an expected failure.</summary>
    public static string Describe(Exception ex) => ex switch
    {
        ToolException { Suggestions.Count: > 0 } tool => $"{tool.Message} {SuggestionLead(tool.Kind)}: {string.Join(", ", tool.Suggestions)}.",
        ArgumentException or System.Text.Json.JsonException => $"Invalid arguments: {ex.Message}",
        VSphereTaskTimeoutException timeout =>
            $"{timeout.Message} Its id is {timeout.Task.Value}: list_recent_tasks shows it, and cancel_task with task_id \"{timeout.Task.Value}\" cancels it where vSphere allows.",
        _ => ex.Message,
    };

    private static string SuggestionLead(ToolErrorKind kind) => kind switch
    {
        ToolErrorKind.NotFound => "Closest matches",
        ToolErrorKind.Ambiguous => "Candidates",
        _ => "Allowed values",
    };
}
