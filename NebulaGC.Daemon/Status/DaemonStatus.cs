using System.Text.Json.Serialization;
using NebulaGC.Daemon.Supervision;

namespace NebulaGC.Daemon.Status;

/// <summary>What <c>nebulagc status</c> shows; written by the daemon to <c>state_dir/status.json</c>.</summary>
public sealed record DaemonStatus(
    int Pid,
    string Version,
    DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<ClusterStatus> Clusters);

/// <param name="NodeTokenFingerprint">First 8 hex chars of the node token's SHA-256 (never the token).</param>
/// <param name="LatestVersion">Newest version the control plane reported; null before the first successful poll.</param>
/// <param name="ApplyingVersion">A version nebula was just switched to and is on probation with; null otherwise.</param>
/// <param name="LastError">Why the last poll, download or apply failed; null when it worked.</param>
/// <param name="LastRejection">The newest version that was not applied, and why.</param>
public sealed record ClusterStatus(
    string Name,
    Guid ClusterId,
    Guid NodeId,
    string NodeTokenFingerprint,
    long AppliedVersion,
    DateTimeOffset? AppliedAt,
    long? ApplyingVersion,
    long? LatestVersion,
    DateTimeOffset? LastPollAt,
    string? ControlPlaneUrl,
    string? LastError,
    Rejection? LastRejection,
    NebulaStatus Nebula);

/// <param name="RolledBack">True when nebula had already been switched to the version and was put back on the previous one.</param>
public sealed record Rejection(long Version, string Reason, DateTimeOffset At, bool RolledBack);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(DaemonStatus))]
public sealed partial class StatusJsonContext : JsonSerializerContext;
