namespace NebulaGC.Daemon.Supervision;

/// <summary>What nebula is doing right now, as shown by <c>nebulagc status</c>.</summary>
/// <param name="State"><c>waiting-for-config</c>, <c>running</c>, <c>backoff</c>, <c>held</c> (exited on a new config; rollback pending) or <c>stopped</c>.</param>
/// <param name="Adopted">True when this nebula was started by an earlier daemon run and taken over, not restarted.</param>
public sealed record NebulaStatus(
    string State,
    int? Pid,
    DateTimeOffset? StartedAt,
    bool Adopted,
    int Restarts,
    int? LastExitCode,
    DateTimeOffset? LastExitAt,
    DateTimeOffset? NextStartAt);

/// <summary>How a restart onto a new config went.</summary>
public abstract record RestartOutcome
{
    private RestartOutcome()
    {
    }

    /// <summary>nebula is still running after the probation period.</summary>
    public sealed record Stable(int Pid) : RestartOutcome;

    /// <summary>nebula exited during probation (or could not start); supervision holds until told what to run next.</summary>
    public sealed record ExitedEarly(int? ExitCode, string Output) : RestartOutcome;
}
