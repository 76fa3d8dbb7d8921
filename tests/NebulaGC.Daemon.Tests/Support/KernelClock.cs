using System.Globalization;

namespace NebulaGC.Daemon.Tests.Support;

/// <summary>
/// Seconds since boot, as the kernel counts them (10 ms resolution), to time "API call returned" → "nebula started"
/// precisely: polling `ip` for the result would add its own latency to the figure on a loaded machine.
/// </summary>
public static class KernelClock
{
    public static double Now() => double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], CultureInfo.InvariantCulture);

    /// <summary>When <paramref name="pid"/> started, in seconds since boot (field 22 of /proc/pid/stat, USER_HZ = 100).</summary>
    public static double ProcessStart(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19], CultureInfo.InvariantCulture) / 100.0;
    }
}
