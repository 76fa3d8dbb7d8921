namespace NebulaGC.Daemon.Logging;

public enum LogLevel
{
    Debug,
    Info,
    Warning,
    Error,
}

/// <summary>
/// The daemon's log: one line per event on stderr (journald adds its own timestamp, but a plain terminal or a
/// file does not, so we keep ours). Deliberately tiny: the daemon runs on thousands of small nodes.
/// Tokens never reach it; callers pass fingerprints.
/// </summary>
public sealed class DaemonLog(TextWriter writer, TimeProvider time, LogLevel minimum = LogLevel.Info)
{
    private readonly Lock gate = new();

    public void Debug(string component, string message) => Write(LogLevel.Debug, component, message);

    public void Info(string component, string message) => Write(LogLevel.Info, component, message);

    public void Warning(string component, string message) => Write(LogLevel.Warning, component, message);

    public void Error(string component, string message) => Write(LogLevel.Error, component, message);

    public void Write(LogLevel level, string component, string message)
    {
        if (level < minimum)
        {
            return;
        }
        string line = $"{time.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ} {LevelName(level)} [{component}] {message}";
        lock (gate)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Debug => "DBG",
        LogLevel.Info => "INF",
        LogLevel.Warning => "WRN",
        _ => "ERR",
    };
}
