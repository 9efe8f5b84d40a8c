#pragma warning disable MCPEXP002 // Custom request handlers and alternate-result filters: the Core SDK's extension hooks, marked for evaluation.
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Server;

namespace McVSphere.Host.Mcp.Tasks;

/// <summary>Serves vSphere tasks as MCP tasks (<see cref="TasksExtension"/>) through the Core SDK's extension hooks.</summary>
public static class TasksServerBuilderExtensions
{
    public static IMcpServerBuilder WithVSphereTasks(this IMcpServerBuilder builder)
    {
        builder.Services.AddSingleton<TaskHandles>();
        builder.Services.AddSingleton<TaskRuns>();
        builder.Services.Configure<McpServerOptions>(options =>
        {
            options.Capabilities ??= new();
            options.Capabilities.Extensions ??= new Dictionary<string, object>();
            options.Capabilities.Extensions[TasksExtension.Id] = new System.Text.Json.Nodes.JsonObject();
            options.RequestHandlers ??= [];
            options.RequestHandlers.Add(new McpServerRequestHandler { Method = TasksExtension.GetMethod, Handler = TaskRequestHandlers.GetAsync });
            options.RequestHandlers.Add(new McpServerRequestHandler { Method = TasksExtension.UpdateMethod, Handler = TaskRequestHandlers.UpdateAsync });
            options.RequestHandlers.Add(new McpServerRequestHandler { Method = TasksExtension.CancelMethod, Handler = TaskRequestHandlers.CancelAsync });
            options.Filters.Request.CallToolWithAlternateFilters.Add(TaskAugmentationFilter.ApplyAsync);
        });
        return builder;
    }
}
