using Serilog;
using Serilog.Events;
using Serilog.Core;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace NebulaGC.Server.Observability;

public static class ServerLogger
{
    /// <summary>
    /// A Serilog logger writing to stdout (journald/containers collect it): compact JSON by default, or console text.
    /// Properties are never destructured (<c>{@x}</c>), which keeps Native AOT free of reflection.
    /// </summary>
    public static Serilog.ILogger Create(string level, string format, TextWriter? output = null)
    {
        var minimum = level.ToLowerInvariant() switch
        {
            "trace" or "verbose" => LogEventLevel.Verbose,
            "debug" => LogEventLevel.Debug,
            "info" or "information" => LogEventLevel.Information,
            "warn" or "warning" => LogEventLevel.Warning,
            "error" => LogEventLevel.Error,
            "fatal" or "critical" => LogEventLevel.Fatal,
            _ => throw new ArgumentException($"log level '{level}' is unknown: use debug, information, warning or error"),
        };
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(minimum)
            .MinimumLevel.Override("Microsoft.AspNetCore", minimum < LogEventLevel.Warning ? LogEventLevel.Warning : minimum)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", minimum)
            .Enrich.FromLogContext();
        output ??= Console.Out;
        return format.ToLowerInvariant() switch
        {
            "json" => configuration.WriteTo.Sink(new TextWriterSink(new CompactJsonFormatter(), output)).CreateLogger(),
            "console" => configuration.WriteTo.Sink(new TextWriterSink(
                new MessageTemplateTextFormatter("{Timestamp:HH:mm:ss} [{Level:u3}] {Message:lj} {Properties}{NewLine}{Exception}"), output)).CreateLogger(),
            _ => throw new ArgumentException($"log format '{format}' is unknown: use json or console"),
        };
    }
}

/// <summary>Writes formatted events to one writer (stdout in production, a capture in tests), one line each.</summary>
internal sealed class TextWriterSink(ITextFormatter formatter, TextWriter output) : ILogEventSink
{
    private readonly Lock _gate = new();

    public void Emit(LogEvent logEvent)
    {
        lock (_gate)
        {
            formatter.Format(logEvent, output);
            output.Flush();
        }
    }
}
