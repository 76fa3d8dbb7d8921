using System.Text;
using NebulaGC.Daemon.Logging;

namespace NebulaGC.Daemon.Supervision;

/// <summary>
/// Copies new lines of nebula's log file into the daemon log and keeps the last few for crash reports.
/// Caps the file: once it exceeds <see cref="MaxFileBytes"/> after a read it is truncated (nebula appends with
/// O_APPEND, so it simply continues at the new end); lines written between that read and the truncation are lost.
/// </summary>
public sealed class NebulaLogTailer(string logFile, string component, DaemonLog log)
{
    public const long MaxFileBytes = 10L * 1024 * 1024;
    private const int KeptLines = 20;

    private readonly Queue<string> recent = new();
    private readonly Lock gate = new();
    private long position;
    private string partial = "";

    /// <summary>Starts reading at the current end of the file: what an earlier nebula wrote was logged already.</summary>
    public void SkipExisting()
    {
        lock (gate)
        {
            position = File.Exists(logFile) ? new FileInfo(logFile).Length : 0;
            partial = "";
        }
    }

    /// <summary>Forgets the remembered lines, so a crash report shows only the current nebula's output.</summary>
    public void ClearRecent()
    {
        lock (gate)
        {
            recent.Clear();
        }
    }

    /// <summary>The last lines nebula wrote, oldest first.</summary>
    public string RecentOutput()
    {
        lock (gate)
        {
            return string.Join("\n", recent);
        }
    }

    /// <summary>Reads whatever nebula appended since the last call.</summary>
    public void Poll()
    {
        lock (gate)
        {
            if (!File.Exists(logFile))
            {
                return;
            }
            using var stream = new FileStream(logFile, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length < position)
            {
                position = 0; // truncated by someone else
            }
            stream.Position = position;
            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
            string text = partial + reader.ReadToEnd();
            position = stream.Length;
            int end = text.LastIndexOf('\n');
            partial = end < 0 ? text : text[(end + 1)..];
            if (end >= 0)
            {
                foreach (string line in text[..end].Split('\n'))
                {
                    Emit(line.TrimEnd('\r'));
                }
            }
            if (stream.Length > MaxFileBytes)
            {
                stream.SetLength(0);
                position = 0;
            }
        }
    }

    private void Emit(string line)
    {
        if (line.Length == 0)
        {
            return;
        }
        recent.Enqueue(line);
        while (recent.Count > KeptLines)
        {
            recent.Dequeue();
        }
        bool bad = line.Contains("level=error", StringComparison.Ordinal) || line.Contains("level=fatal", StringComparison.Ordinal);
        log.Write(bad ? LogLevel.Warning : LogLevel.Info, component, line);
    }
}
