using System.Diagnostics;
using System.Globalization;

namespace NebulaGC.Daemon.Supervision;

/// <summary>
/// One running nebula: either started by this daemon or adopted from a previous daemon run.
/// nebula's output goes to a file, not a pipe, so that nebula outlives a daemon restart (a pipe whose reader died
/// would kill nebula with SIGPIPE at its next log line); <see cref="NebulaLogTailer"/> copies it into the daemon log.
/// </summary>
public sealed class NebulaProcess : IDisposable
{
    private const string PidFileFormat = "{0} {1}";
    private static readonly TimeSpan AdoptedPollInterval = TimeSpan.FromSeconds(1);

    private readonly Process? child;
    private readonly CancellationTokenSource watch = new();

    private NebulaProcess(int pid, long startTicks, DateTimeOffset startedAt, bool adopted, Process? child, TimeProvider time)
    {
        Pid = pid;
        StartTicks = startTicks;
        StartedAt = startedAt;
        Adopted = adopted;
        this.child = child;
        Exited = child is not null ? WaitForChildAsync(child) : PollForExitAsync(pid, startTicks, time, watch.Token);
    }

    public int Pid { get; }
    public DateTimeOffset StartedAt { get; }
    public bool Adopted { get; }

    /// <summary>Kernel start time of the process (clock ticks since boot): tells our nebula apart from a reused pid.</summary>
    public long StartTicks { get; }

    /// <summary>Completes when nebula has exited; the exit code is null for an adopted process (not our child).</summary>
    public Task<int?> Exited { get; }

    /// <summary>Starts <paramref name="nebulaBinary"/> <c>-config &lt;configFile&gt;</c> in <paramref name="workingDir"/>, output appended to <paramref name="logFile"/>.</summary>
    public static NebulaProcess Start(string nebulaBinary, string configFile, string workingDir, string logFile, TimeProvider time)
    {
        // sh only sets up the redirections, then execs nebula in its place: the pid we record is nebula's.
        var start = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = workingDir,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "-c", "log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1", "nebulagc-nebula", logFile, nebulaBinary, "-config", configFile })
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"starting '{nebulaBinary}' failed");
        long ticks = ReadStartTicks(process.Id) ?? 0;
        return new NebulaProcess(process.Id, ticks, time.GetUtcNow(), adopted: false, process, time);
    }

    /// <summary>
    /// Adopts the nebula recorded in <paramref name="pidFile"/> when that exact process (same pid and start time)
    /// still runs with <paramref name="configFile"/>; otherwise null.
    /// </summary>
    public static NebulaProcess? TryAdopt(string pidFile, string configFile, TimeProvider time)
    {
        if (!File.Exists(pidFile))
        {
            return null;
        }
        string[] parts = File.ReadAllText(pidFile).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out int pid) || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out long ticks))
        {
            return null;
        }
        if (ReadStartTicks(pid) != ticks || !RunsConfig(pid, configFile))
        {
            return null;
        }
        return new NebulaProcess(pid, ticks, time.GetUtcNow(), adopted: true, child: null, time);
    }

    public string PidFileContent => string.Format(CultureInfo.InvariantCulture, PidFileFormat, Pid, StartTicks);

    public void Signal(int signal) => Native.Kill(Pid, signal);

    /// <summary>SIGTERM, then SIGKILL after <paramref name="timeout"/>; returns once the process is gone.</summary>
    public async Task StopAsync(TimeSpan timeout, TimeProvider time)
    {
        if (Exited.IsCompleted)
        {
            return;
        }
        Native.Kill(Pid, Native.SIGTERM);
        if (await Task.WhenAny(Exited, GoneAsync(timeout, time)) != Exited && !IsGone())
        {
            Native.Kill(Pid, Native.SIGKILL);
            await Exited;
        }
    }

    private bool IsGone() => Exited.IsCompleted || ReadStartTicks(Pid) != StartTicks;

    /// <summary>
    /// Completes when the process is gone or <paramref name="timeout"/> passed. An adopted process is watched only
    /// once a second; during a restart we look every 20 ms so the new config is not delayed by that.
    /// </summary>
    private async Task GoneAsync(TimeSpan timeout, TimeProvider time)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (!IsGone() && time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), time);
        }
    }

    public void Dispose()
    {
        watch.Cancel();
        watch.Dispose();
        child?.Dispose();
    }

    private static async Task<int?> WaitForChildAsync(Process process)
    {
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    private static async Task<int?> PollForExitAsync(int pid, long startTicks, TimeProvider time, CancellationToken cancellationToken)
    {
        // Not our child: no SIGCHLD, no exit code. A zombie (reaped late by init) counts as exited.
        while (!cancellationToken.IsCancellationRequested && ReadStartTicks(pid) == startTicks)
        {
            try
            {
                await Task.Delay(AdoptedPollInterval, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return null;
    }

    /// <summary>True while <paramref name="pid"/> exists and is not a zombie.</summary>
    public static bool IsAlive(int pid) => ReadStartTicks(pid) is not null;

    /// <summary>Field 22 of <c>/proc/&lt;pid&gt;/stat</c>; null when the process is gone or a zombie.</summary>
    internal static long? ReadStartTicks(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        // The command name (field 2) may contain spaces and parentheses: parse after the last ')'.
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        if (fields[0] == "Z" || fields[0] == "X")
        {
            return null;
        }
        return long.Parse(fields[19], CultureInfo.InvariantCulture);
    }

    private static bool RunsConfig(int pid, string configFile)
    {
        try
        {
            string[] args = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            int i = Array.IndexOf(args, "-config");
            return i >= 0 && i + 1 < args.Length && args[i + 1] == configFile;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
