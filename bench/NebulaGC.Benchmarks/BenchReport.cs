using System.Globalization;
using System.Text;
using System.Text.Json;

namespace NebulaGC.Benchmarks;

/// <summary>
/// One measured figure next to its goal. <paramref name="Met"/> is null for figures reported without a goal.
/// <paramref name="Load"/> is the 1-minute load average when it was taken: on a shared machine it explains a bad p99.
/// </summary>
public sealed record Figure(string Name, double Value, string Unit, string Goal, bool? Met, string Load, string Detail = "")
{
    public string Result => Met switch { true => "OK", false => "MISSED", null => "reported" };
}

/// <summary>Collects the figures, prints each as it comes and writes them as Markdown and JSON.</summary>
public sealed class BenchReport
{
    private readonly List<Figure> _figures = [];

    public string LoadBefore { get; } = Machine.LoadAverage();

    public IReadOnlyList<Figure> Figures => _figures;

    public bool AllMet => _figures.All(f => f.Met != false);

    public void Add(string name, double value, string unit, string goal, bool? met, string detail = "")
    {
        var figure = new Figure(name, value, unit, goal, met, Machine.LoadAverage().Split(' ')[0], detail);
        _figures.Add(figure);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{figure.Name}: {Format(figure.Value)} {figure.Unit} (goal {figure.Goal}) {figure.Result}{(detail.Length > 0 ? $" — {detail}" : "")} [load {figure.Load}]"));
    }

    /// <summary>A section that could not run: recorded as a missed goal with the reason, so the run still reports the rest.</summary>
    public void Failed(string name, Exception error) => Add(name, double.NaN, "", "runs", false, error.Message.ReplaceLineEndings(" "));

    public (string Markdown, string Json) Write(string directory, bool tiny)
    {
        Directory.CreateDirectory(directory);
        string loadAfter = Machine.LoadAverage();
        var markdown = new StringBuilder();
        markdown.AppendLine(CultureInfo.InvariantCulture, $"# NebulaGC benchmark{(tiny ? " (tiny setting: figures are not meaningful)" : "")}");
        markdown.AppendLine();
        markdown.AppendLine(CultureInfo.InvariantCulture,
            $"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {LoadBefore} before, {loadAfter} after.");
        markdown.AppendLine();
        markdown.AppendLine("| figure | value | goal | result | load | detail |");
        markdown.AppendLine("|---|---:|---|---|---:|---|");
        foreach (var f in _figures)
        {
            markdown.AppendLine(CultureInfo.InvariantCulture,
                $"| {f.Name} | {Format(f.Value)} {f.Unit} | {f.Goal} | {f.Result} | {f.Load} | {f.Detail.Replace("|", "\\|", StringComparison.Ordinal)} |");
        }
        string markdownPath = Path.Combine(directory, "results.md");
        File.WriteAllText(markdownPath, markdown.ToString());

        string jsonPath = Path.Combine(directory, "results.json");
        using (var stream = File.Create(jsonPath))
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("time_utc", DateTimeOffset.UtcNow);
            json.WriteNumber("cores", Environment.ProcessorCount);
            json.WriteString("load_before", LoadBefore);
            json.WriteString("load_after", loadAfter);
            json.WriteBoolean("tiny", tiny);
            json.WriteBoolean("all_goals_met", AllMet);
            json.WriteStartArray("figures");
            foreach (var f in _figures)
            {
                json.WriteStartObject();
                json.WriteString("name", f.Name);
                if (double.IsFinite(f.Value))
                {
                    json.WriteNumber("value", f.Value);
                }
                else
                {
                    json.WriteNull("value");
                }
                json.WriteString("unit", f.Unit);
                json.WriteString("goal", f.Goal);
                json.WriteString("result", f.Result);
                json.WriteString("load", f.Load);
                json.WriteString("detail", f.Detail);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return (markdownPath, jsonPath);
    }

    private static string Format(double value) => !double.IsFinite(value) ? "—"
        : Math.Abs(value) >= 100 || value == Math.Floor(value) ? value.ToString("N0", CultureInfo.InvariantCulture)
        : value.ToString("0.###", CultureInfo.InvariantCulture);
}

/// <summary>What the machine is doing: load average and a process's resident memory.</summary>
public static class Machine
{
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>Resident set size of <paramref name="pid"/> in bytes (VmRSS).</summary>
    public static long ResidentBytes(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }
        throw new InvalidOperationException($"no VmRSS for process {pid}");
    }

    /// <summary>Linux's USER_HZ: /proc reports CPU time in these.</summary>
    public const int ClockTicksPerSecond = 100;

    /// <summary>CPU time <paramref name="pid"/> has used (user + system), in clock ticks.</summary>
    public static long CpuTicks(int pid)
    {
        // /proc/<pid>/stat: fields after the parenthesised command name; utime and stime are the 12th and 13th of those.
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Waits until <paramref name="pid"/> has used at most one clock tick (10 ms) of CPU in half a second: whatever it was
    /// handling is done (its background loops, e.g. the long-poll version check every 0.5 s, cost less than that).
    /// </summary>
    public static async Task WaitUntilIdleAsync(int pid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        long before = CpuTicks(pid);
        while (true)
        {
            await Task.Delay(500);
            long now = CpuTicks(pid);
            if (now - before <= 1)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"process {pid} kept using CPU for {timeout.TotalSeconds:F0} s");
            }
            before = now;
        }
    }

    /// <summary>Established TCP connections whose local end is 127.0.0.1:<paramref name="port"/> (the server's side).</summary>
    public static int EstablishedConnections(int port)
    {
        // /proc/net/tcp: "sl local_address rem_address st ...", addresses as hex "0100007F:1F90"; state 01 is ESTABLISHED.
        string local = $":{port:X4}";
        return File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(f => f[1].EndsWith(local, StringComparison.Ordinal) && f[3] == "01");
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
