using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Xunit;

namespace McVSphere.Testing;

/// <summary>
/// The client side of the MCP tasks extension (io.modelcontextprotocol/tasks), which the Core SDK's client does not
/// model: tools/call that may be answered with a task, tasks/get and tasks/cancel, as raw JSON-RPC through the SDK client.
/// </summary>
public static class McpTaskClient
{
    public const string Extension = "io.modelcontextprotocol/tasks";

    /// <summary>Options of a 2026-07-28 client that declares the tasks extension in each request's capabilities.</summary>
    public static McpClientOptions Options(McpClientOptions? options = null)
    {
        options ??= new McpClientOptions();
        options.ProtocolVersion = "2026-07-28";
        options.Capabilities ??= new ClientCapabilities();
        options.Capabilities.Extensions ??= new Dictionary<string, object>();
        options.Capabilities.Extensions[Extension] = new JsonObject();
        return options;
    }

    /// <summary>tools/call, answered with the tool's result or a task (resultType "task").</summary>
    public static Task<JsonObject> CallToolAsync(this McpClient client, string tool, object arguments, CancellationToken cancellationToken = default) =>
        client.RequestAsync("tools/call", new JsonObject { ["name"] = tool, ["arguments"] = JsonSerializer.SerializeToNode(arguments) }, cancellationToken);

    public static Task<JsonObject> GetTaskAsync(this McpClient client, string taskId, CancellationToken cancellationToken = default) =>
        client.RequestAsync("tasks/get", new JsonObject { ["taskId"] = taskId }, cancellationToken);

    public static Task<JsonObject> CancelTaskAsync(this McpClient client, string taskId, CancellationToken cancellationToken = default) =>
        client.RequestAsync("tasks/cancel", new JsonObject { ["taskId"] = taskId }, cancellationToken);

    /// <summary>
    /// tasks/get until the task leaves "working", each poll sent when the previous one is answered, within
    /// <paramref name="within"/>. Call it when the vSphere task has ended (wait for that first), so that only the
    /// call's last steps are polled for.
    /// </summary>
    public static async Task<JsonObject> GetFinishedTaskAsync(this McpClient client, string taskId, TimeSpan within)
    {
        using var deadline = new CancellationTokenSource(within);
        while (true)
        {
            var task = await client.GetTaskAsync(taskId, deadline.Token);
            if (task["status"]!.GetValue<string>() != "working")
            {
                return task;
            }
        }
    }

    /// <summary>The tool result of a completed task.</summary>
    public static CallToolResult Result(JsonObject task)
    {
        Assert.Equal("completed", task["status"]?.GetValue<string>());
        return task["result"].Deserialize<CallToolResult>(McpJsonUtilities.DefaultOptions)!;
    }

    /// <summary>A JSON-RPC request; an error answer throws <see cref="McpProtocolException"/>.</summary>
    public static async Task<JsonObject> RequestAsync(this McpClient client, string method, JsonObject parameters, CancellationToken cancellationToken = default)
    {
        var response = await client.SendRequestAsync(new JsonRpcRequest { Method = method, Params = parameters }, cancellationToken);
        return response.Result!.AsObject();
    }
}
