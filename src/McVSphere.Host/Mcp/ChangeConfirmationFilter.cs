using System.Text.Json;
using McVSphere.Host.Configuration;
using McVSphere.Host.Plugins;
using McVSphere.Sdk.Json;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McVSphere.Host.Mcp;

/// <summary>
/// Dry runs and confirmations for every tool that declares what it changes (<see cref="McVSphere.Sdk.Safety.ChangeAttribute"/>):
/// <c>dry_run=true</c> answers with the change instead of making it; a destructive change is made only once the user
/// agreed — through MCP elicitation when the client supports it, else through <c>confirm=true</c> — unless the server
/// is set not to ask (<c>MCVSPHERE_CONFIRM_DESTRUCTIVE=false</c>). Runs after RBAC, so a caller is never asked to
/// confirm what they may not do.
/// </summary>
public static class ChangeConfirmationFilter
{
    public static McpRequestHandler<CallToolRequestParams, CallToolResult> Apply(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        async (context, cancellationToken) =>
        {
            var name = context.Params?.Name ?? "";
            var catalog = context.Services!.GetRequiredService<ToolCatalog>();
            if (!catalog.TryGetTool(name, out var tool) || tool.Change is not { } change)
            {
                return await next(context, cancellationToken);
            }
            var arguments = context.Params!.Arguments;
            var description = ChangeArguments.Describe(change, arguments);
            var destroys = tool.Destroys(arguments);

            if (ChangeArguments.IsTrue(arguments, ChangeArguments.DryRun))
            {
                var dryRun = new DryRunResult(name, description, destroys);
                return new CallToolResult
                {
                    Content = [new TextContentBlock { Text = McVSphereJson.Serialize(dryRun) }],
                    StructuredContent = JsonSerializer.SerializeToElement(dryRun, McVSphereJson.Options),
                };
            }
            var mustAsk = destroys && context.Services!.GetService<McVSphereOptions>()?.ConfirmDestructive != false;
            if (!mustAsk || ChangeArguments.IsTrue(arguments, ChangeArguments.Confirm))
            {
                return await next(context, cancellationToken);
            }
            if (context.Server.ClientCapabilities?.Elicitation is null)
            {
                return ToolErrorFilter.ErrorResult(
                    $"Not done: this would {description}, which cannot be undone. Ask the user, then call {name} again with confirm=true " +
                    "(or dry_run=true to only describe the change).");
            }
            var answer = await context.Server.ElicitAsync(new ElicitRequestParams
            {
                Message = $"{Capitalize(description)}? This cannot be undone.",
                RequestedSchema = new ElicitRequestParams.RequestSchema
                {
                    Properties = new Dictionary<string, ElicitRequestParams.PrimitiveSchemaDefinition>
                    {
                        [ChangeArguments.Confirm] = new ElicitRequestParams.BooleanSchema { Title = "Go ahead", Description = description, Default = false },
                    },
                    Required = [ChangeArguments.Confirm],
                },
            }, cancellationToken);
            var confirmed = answer.IsAccepted
                && answer.Content is { } content
                && content.TryGetValue(ChangeArguments.Confirm, out var value)
                && value.ValueKind == JsonValueKind.True;
            return confirmed
                ? await next(context, cancellationToken)
                : ToolErrorFilter.ErrorResult($"Not done: the user did not confirm to {description}. Nothing was changed.");
        };

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
