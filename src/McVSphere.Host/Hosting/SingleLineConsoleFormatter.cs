using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using ModelContextProtocol;

namespace McVSphere.Host.Hosting;

/// <summary>
/// One line per record on stderr: <c>HH:mm:ss.fff level: category[event] message</c>, an exception's text on the same
/// line. A protocol error (<see cref="McpProtocolException"/>: a denial, bad params) is an answer the client got, not
/// a fault: the MCP SDK reports it twice (an error "threw an unhandled exception" from the handler, then a warning
/// "request handler failed" with its method); only the warning is written, with the error's message and no stack trace.
/// </summary>
internal sealed class SingleLineConsoleFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "mcvsphere";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var exception = logEntry.Exception;
        var protocolError = exception is McpProtocolException;
        if (protocolError && logEntry.LogLevel >= LogLevel.Error)
        {
            return;
        }
        var message = logEntry.Formatter(logEntry.State, exception);
        if (message is null && exception is null)
        {
            return;
        }
        textWriter.Write(DateTime.Now.ToString("HH:mm:ss.fff "));
        textWriter.Write(Level(logEntry.LogLevel));
        textWriter.Write(": ");
        textWriter.Write(logEntry.Category);
        textWriter.Write('[');
        textWriter.Write(logEntry.EventId.Id);
        textWriter.Write("] ");
        textWriter.Write(OneLine(message));
        if (exception is not null)
        {
            textWriter.Write(' ');
            textWriter.Write(OneLine(protocolError ? $"{exception.GetType().Name}: {exception.Message}" : exception.ToString()));
        }
        textWriter.Write(Environment.NewLine);
    }

    private static string OneLine(string? text) => (text ?? "").ReplaceLineEndings(" ");

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => level.ToString().ToLowerInvariant(),
    };
}
