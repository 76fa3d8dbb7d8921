namespace NebulaGC.PowerShell.Failover;

/// <summary>How the new master gets its data.</summary>
public enum FailoverMode
{
    /// <summary>The instances share one database (a shared file, or LiteFS): demote, wait for catch-up, promote.</summary>
    SharedDatabase,

    /// <summary>Litestream disaster recovery: on the standby, restore the newest state from the replica and start as master.</summary>
    LitestreamRestore,
}

public enum FailoverStepStatus
{
    Planned,
    Done,
    Skipped,
    Failed,
}

/// <summary>One step of the plan; the executed plan is the report.</summary>
public sealed record FailoverStep(int Number, string Target, string Action, FailoverStepStatus Status, double? Seconds, string? Detail)
{
    public const string TypeName = "NebulaGC.FailoverStep";
}

/// <summary>What <c>Invoke-NebulaGCFailover</c> did (or, with -WhatIf, would do).</summary>
/// <param name="AcknowledgedWritesLost">
/// Writes the old master had committed (its last known data position) that the new master does not hold; null when
/// the old master's position is unknown.
/// </param>
public sealed record FailoverReport(
    FailoverMode Mode,
    string? OldMasterInstanceId,
    long? OldEpoch,
    long? OldDataPosition,
    string? NewMasterInstanceId,
    long? NewEpoch,
    long? NewDataPosition,
    long? AcknowledgedWritesLost,
    double DurationSeconds,
    bool Completed,
    IReadOnlyList<FailoverStep> Steps)
{
    public const string TypeName = "NebulaGC.FailoverReport";
}
