namespace NebulaGC.Daemon.Supervision;

/// <summary>Timings of nebula supervision; tests shorten them.</summary>
public sealed record SupervisorOptions
{
    /// <summary>First pause before restarting a nebula that exited (default 1 s); doubles on each quick failure.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest pause between restarts (default 60 s).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A nebula that ran this long was healthy: the next failure starts again at <see cref="InitialBackoff"/> (default 30 s).</summary>
    public TimeSpan StableUptime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A nebula that exits this soon after starting on a new config rejects that config (default 5 s).</summary>
    public TimeSpan Probation { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Pause before a second start on a new config that nebula exited on within <see cref="Probation"/> (default 2 s):
    /// a transient failure (an address not yet free) must not roll back a good config; a second early exit does.
    /// </summary>
    public TimeSpan EarlyExitRetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long nebula gets to exit after SIGTERM before SIGKILL (default 10 s).</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often nebula's log file is copied into the daemon log (default 1 s).</summary>
    public TimeSpan LogPollInterval { get; init; } = TimeSpan.FromSeconds(1);
}
