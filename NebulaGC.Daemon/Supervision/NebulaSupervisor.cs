using System.Collections.Concurrent;
using NebulaGC.Daemon.Apply;
using NebulaGC.Daemon.Logging;

namespace NebulaGC.Daemon.Supervision;

/// <summary>
/// Keeps one nebula running on <c>config_dir/current</c>. A single loop owns the process, so restarts, crashes
/// and backoff never race: other code posts commands (<see cref="RestartAsync"/>, <see cref="Resume"/>,
/// <see cref="StopNebulaAsync"/>) and the loop carries them out.
/// When the daemon stops, nebula keeps running and the next daemon run adopts it: a control-plane or daemon
/// problem must never take the overlay down.
/// </summary>
public sealed class NebulaSupervisor
{
    private readonly ClusterPaths paths;
    private readonly string nebulaBinary;
    private readonly SupervisorOptions options;
    private readonly DaemonLog log;
    private readonly TimeProvider time;
    private readonly string component;
    private readonly NebulaLogTailer tailer;
    private readonly ConcurrentQueue<Command> commands = new();
    private TaskCompletionSource wakeSignal = NewSignal();

    // Owned by the loop.
    private NebulaProcess? current;
    private bool held;
    private int restarts;
    private int? lastExitCode;
    private DateTimeOffset? lastExitAt;
    private DateTimeOffset? nextStartAt;
    private TimeSpan backoff;
    private TaskCompletionSource<RestartOutcome>? probation;
    private DateTimeOffset probationEnds;

    public NebulaSupervisor(string clusterName, ClusterPaths paths, string nebulaBinary, SupervisorOptions options, DaemonLog log, TimeProvider time)
    {
        this.paths = paths;
        this.nebulaBinary = nebulaBinary;
        this.options = options;
        this.log = log;
        this.time = time;
        component = $"nebula:{clusterName}";
        tailer = new NebulaLogTailer(paths.NebulaLog, component, log);
        backoff = options.InitialBackoff;
        Status = new NebulaStatus("waiting-for-config", null, null, false, 0, null, null, null);
    }

    /// <summary>Latest state, safe to read from any thread.</summary>
    public NebulaStatus Status { get; private set; }

    /// <summary>Fires whenever <see cref="Status"/> changes.</summary>
    public event Action? StatusChanged;

    /// <summary>
    /// Stops nebula (if running) and starts it on whatever <c>current</c> points to now, then waits
    /// <see cref="SupervisorOptions.Probation"/>. Always a full restart, never SIGHUP: nebula 1.6 cannot reload
    /// tun settings (MTU, unsafe routes), and its relative PKI paths resolve against the working directory it
    /// started in, which is the old version directory.
    /// </summary>
    public Task<RestartOutcome> RestartAsync(CancellationToken cancellationToken)
    {
        var outcome = new TaskCompletionSource<RestartOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        cancellationToken.Register(() => outcome.TrySetCanceled(cancellationToken));
        Post(new Command.Restart(outcome));
        return outcome.Task;
    }

    /// <summary>Ends a hold after <see cref="RestartOutcome.ExitedEarly"/>: normal supervision with backoff resumes.</summary>
    public void Resume() => Post(new Command.Resume());

    /// <summary>Stops nebula and keeps it stopped until <see cref="RestartAsync"/> or <see cref="Resume"/>.</summary>
    public Task StopNebulaAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new Command.Stop(done));
        return done.Task;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(paths.CurrentConfigFile) && NebulaProcess.TryAdopt(paths.NebulaPidFile, paths.CurrentConfigFile, time) is { } adopted)
        {
            current = adopted;
            tailer.SkipExisting();
            log.Info(component, $"adopted running nebula (pid {adopted.Pid}) from an earlier daemon run; not restarting it");
            Publish();
        }
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await HandleCommandsAsync();
                StartIfDue();
                CheckProbation();
                if (current is { } process && process.Exited.IsCompleted)
                {
                    OnExited(process, await process.Exited);
                    continue;
                }
                await WaitForSomethingAsync(cancellationToken);
                tailer.Poll();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            tailer.Poll();
            probation?.TrySetCanceled(cancellationToken);
            if (current is { Exited.IsCompleted: false } running)
            {
                log.Info(component, $"daemon stopping; nebula (pid {running.Pid}) keeps running and the next daemon run adopts it");
            }
            current?.Dispose();
        }
    }

    private async Task HandleCommandsAsync()
    {
        Interlocked.Exchange(ref wakeSignal, NewSignal());
        while (commands.TryDequeue(out var command))
        {
            switch (command)
            {
                case Command.Restart restart:
                    await StopCurrentAsync("restarting on a new config");
                    held = false;
                    nextStartAt = null;
                    probation?.TrySetCanceled();
                    probation = restart.Outcome;
                    if (!TryStart())
                    {
                        held = true;
                        probation = null;
                        restart.Outcome.TrySetResult(new RestartOutcome.ExitedEarly(null, tailer.RecentOutput()));
                    }
                    else
                    {
                        probationEnds = time.GetUtcNow() + options.Probation;
                    }
                    break;
                case Command.Resume:
                    held = false;
                    break;
                case Command.Stop stop:
                    await StopCurrentAsync("stop requested");
                    held = true;
                    File.Delete(paths.NebulaPidFile);
                    Publish();
                    stop.Done.TrySetResult();
                    break;
            }
        }
    }

    private void StartIfDue()
    {
        if (current is not null || held || !File.Exists(paths.CurrentConfigFile))
        {
            return;
        }
        if (nextStartAt is { } due && time.GetUtcNow() < due)
        {
            return;
        }
        nextStartAt = null;
        TryStart();
    }

    private bool TryStart()
    {
        tailer.SkipExisting();
        tailer.ClearRecent();
        try
        {
            var process = NebulaProcess.Start(nebulaBinary, paths.CurrentConfigFile, paths.CurrentLink, paths.NebulaLog, time);
            AtomicFile.WriteAllText(paths.NebulaPidFile, process.PidFileContent, BundleArchive.PublicFileMode);
            current = process;
            log.Info(component, $"started nebula (pid {process.Pid}) on {Path.GetFileName(new FileInfo(paths.CurrentLink).LinkTarget)}");
            Publish();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            log.Error(component, $"starting nebula failed: {e.Message}");
            ScheduleRestart(null, TimeSpan.Zero);
            return false;
        }
    }

    private void CheckProbation()
    {
        if (probation is not null && current is { Exited.IsCompleted: false } process && time.GetUtcNow() >= probationEnds)
        {
            probation.TrySetResult(new RestartOutcome.Stable(process.Pid));
            probation = null;
        }
    }

    private void OnExited(NebulaProcess process, int? exitCode)
    {
        tailer.Poll();
        current = null;
        process.Dispose();
        var uptime = time.GetUtcNow() - process.StartedAt;
        string code = exitCode is { } c ? $"code {c}" : "an unknown code (adopted process)";
        if (probation is not null)
        {
            log.Warning(component, $"nebula (pid {process.Pid}) exited with {code} {uptime.TotalSeconds:0.0} s after starting on a new config");
            lastExitCode = exitCode;
            lastExitAt = time.GetUtcNow();
            held = true;
            probation.TrySetResult(new RestartOutcome.ExitedEarly(exitCode, tailer.RecentOutput()));
            probation = null;
            Publish();
            return;
        }
        ScheduleRestart(exitCode, uptime);
        log.Warning(component, $"nebula (pid {process.Pid}) exited with {code} after {uptime.TotalSeconds:0.0} s; restarting in {(nextStartAt!.Value - time.GetUtcNow()).TotalSeconds:0.0} s");
    }

    private void ScheduleRestart(int? exitCode, TimeSpan uptime)
    {
        if (uptime >= options.StableUptime)
        {
            backoff = options.InitialBackoff;
        }
        lastExitCode = exitCode;
        lastExitAt = time.GetUtcNow();
        nextStartAt = lastExitAt + backoff;
        backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, options.MaxBackoff.Ticks));
        restarts++;
        Publish();
    }

    private async Task StopCurrentAsync(string reason)
    {
        if (current is not { } process)
        {
            return;
        }
        log.Info(component, $"stopping nebula (pid {process.Pid}): {reason}");
        await process.StopAsync(options.StopTimeout, time);
        tailer.Poll();
        process.Dispose();
        current = null;
    }

    private async Task WaitForSomethingAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var wait = options.LogPollInterval;
        if (probation is not null && probationEnds - now < wait)
        {
            wait = probationEnds - now;
        }
        if (current is null && !held && nextStartAt is { } due && due - now < wait)
        {
            wait = due - now;
        }
        if (wait <= TimeSpan.Zero)
        {
            return;
        }
        var waits = new List<Task> { wakeSignal.Task, Task.Delay(wait, time, cancellationToken) };
        if (current is not null)
        {
            waits.Add(current.Exited);
        }
        await Task.WhenAny(waits);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private void Post(Command command)
    {
        commands.Enqueue(command);
        wakeSignal.TrySetResult();
    }

    private void Publish()
    {
        string state = current is not null ? "running"
            : held ? "held"
            : nextStartAt is not null ? "backoff"
            : File.Exists(paths.CurrentConfigFile) ? "stopped" : "waiting-for-config";
        Status = new NebulaStatus(state, current?.Pid, current?.StartedAt, current?.Adopted ?? false, restarts, lastExitCode, lastExitAt, current is null ? nextStartAt : null);
        StatusChanged?.Invoke();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private abstract record Command
    {
        public sealed record Restart(TaskCompletionSource<RestartOutcome> Outcome) : Command;

        public sealed record Resume : Command;

        public sealed record Stop(TaskCompletionSource Done) : Command;
    }
}
