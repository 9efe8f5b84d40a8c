using System.Runtime.ExceptionServices;
using McVSphere.Host.Mcp;
using McVSphere.Sdk;
using ModelContextProtocol.Server;

namespace McVSphere.Host.Plugins;

/// <summary>
/// Every plugin tool built as the MCP server serves it, in parallel: building the 110 tools (their schemas, by the SDK's
/// reflection) is the largest part of the time from start to the first reply, and no tool's build depends on another's.
/// </summary>
internal sealed class ServedTools(IEnumerable<ToolDescriptor> descriptors, IServiceProvider services)
{
    private readonly Dictionary<ToolDescriptor, McpServerTool> _tools = Build(descriptors.ToArray(), services);

    public McpServerTool this[ToolDescriptor descriptor] => _tools[descriptor];

    private static Dictionary<ToolDescriptor, McpServerTool> Build(ToolDescriptor[] descriptors, IServiceProvider services)
    {
        var built = new McpServerTool[descriptors.Length];
        try
        {
            Parallel.For(0, descriptors.Length, i => built[i] = McpToolFactory.CreateTool(descriptors[i], services));
        }
        catch (AggregateException failed)
        {
            // The first tool that cannot be built, as a sequential build would have thrown it.
            ExceptionDispatchInfo.Throw(failed.InnerExceptions[0]);
        }
        return descriptors.Zip(built).ToDictionary(pair => pair.First, pair => pair.Second);
    }
}
