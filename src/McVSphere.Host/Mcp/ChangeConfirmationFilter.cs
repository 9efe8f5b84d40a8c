using System.Text.Json;
using McVSphere.Host.Configuration;
using McVSphere.Host.Hosting;
using McVSphere.Host.Plugins;
using McVSphere.Host.Security;
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
            // Routed already: the current target is the call's.
            var targets = context.Services!.GetRequiredService<VCenterTargets>();
            var target = targets.Current.Name;
            var description = ChangeArguments.Describe(change, arguments) + (targets.FromFile ? $" on vCenter '{target}'" : "");
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
            var states = context.Services!.GetRequiredService<ConfirmationStates>();
            Caller Caller() => context.Services!.GetRequiredService<CallerResolver>().Resolve(context.User);
            ElicitResult answer;
            if (context.Params.RequestState is { } state)
            {
                // The answer to a question asked through MRTR, maybe by another instance: the state says which call it was.
                if (states.Accept(state, Caller(), target, name, arguments) is { } refusal)
                {
                    return ToolErrorFilter.ErrorResult($"Not done: the confirmation sent with this call of {name} is refused: {refusal}. Nothing was changed; " +
                        "call again without it to be asked anew.");
                }
                answer = context.Params.InputResponses?.TryGetValue(ChangeArguments.Confirm, out var response) == true
                    ? response.Deserialize(InputResponse.ElicitResultJsonTypeInfo) ?? new ElicitResult { Action = "cancel" }
                    : new ElicitResult { Action = "cancel" };
            }
            else if (context.Server.ClientCapabilities?.Elicitation is null || !context.Server.IsMrtrSupported)
            {
                return ToolErrorFilter.ErrorResult(
                    $"Not done: this would {description}, which cannot be undone. Ask the user, then call {name} again with confirm=true " +
                    "(or dry_run=true to only describe the change).");
            }
            else
            {
                // The question goes back as the result, with a signed state that comes back with the answer, to this instance
                // or another; the SDK asks clients without MRTR (a session) through an ordinary elicitation and retries.
                throw new InputRequiredException(
                    new Dictionary<string, InputRequest> { [ChangeArguments.Confirm] = InputRequest.ForElicitation(Question(description)) },
                    states.Create(Caller(), target, name, arguments));
            }
            var confirmed = answer.IsAccepted
                && answer.Content is { } content
                && content.TryGetValue(ChangeArguments.Confirm, out var value)
                && value.ValueKind == JsonValueKind.True;
            return confirmed
                ? await next(context, cancellationToken)
                : ToolErrorFilter.ErrorResult($"Not done: the user did not confirm to {description}. Nothing was changed.");
        };

    private static ElicitRequestParams Question(string description) => new()
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
    };

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}

/// <summary>The answer to a dry run: what the call would change, and whether it would ask first.</summary>
internal sealed record DryRunResult(string Tool, string WouldChange, bool RequiresConfirmation)
{
    public bool DryRun => true;
}
