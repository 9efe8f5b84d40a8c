using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace McVSphere.Host.Hosting;

/// <summary>One logging set-up for every mode: single-line records on stderr, so that stdout stays JSON-RPC only in stdio mode.</summary>
public static class HostLogging
{
    public static ILoggingBuilder AddMcVSphereLogging(this ILoggingBuilder logging, LogLevel minimumLevel)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(minimumLevel);
        // The SDK and ASP.NET are chatty at Information; their warnings still show.
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("ModelContextProtocol", LogLevel.Warning);
        logging.AddConsole(console => console.FormatterName = SingleLineConsoleFormatter.FormatterName)
            .AddConsoleFormatter<SingleLineConsoleFormatter, ConsoleFormatterOptions>();
        logging.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        return logging;
    }

    /// <summary>A logger factory for start-up, before the host's service provider exists.</summary>
    public static ILoggerFactory CreateBootstrapFactory(LogLevel minimumLevel) =>
        LoggerFactory.Create(logging => logging.AddMcVSphereLogging(minimumLevel));
}
