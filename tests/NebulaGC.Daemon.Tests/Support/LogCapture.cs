using System.Text;
using NebulaGC.Daemon.Logging;

namespace NebulaGC.Daemon.Tests.Support;

/// <summary>A daemon log that tests can read; thread-safe.</summary>
public sealed class LogCapture
{
    private readonly StringBuilder text = new();

    public LogCapture()
    {
        Log = new DaemonLog(new Writer(this), TimeProvider.System, LogLevel.Debug);
    }

    public DaemonLog Log { get; }

    public string Text
    {
        get
        {
            lock (text)
            {
                return text.ToString();
            }
        }
    }

    private sealed class Writer(LogCapture owner) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (owner.text)
            {
                owner.text.Append(value);
            }
        }

        public override void WriteLine(string? value)
        {
            lock (owner.text)
            {
                owner.text.AppendLine(value);
            }
        }
    }
}
