namespace NebulaGC.Daemon.Configuration;

/// <summary>A validated daemon configuration. Built only by <see cref="DaemonConfigLoader"/>.</summary>
/// <param name="ControlPlaneUrls">Base URLs without a trailing <c>/v1</c>, in the operator's order of preference.</param>
/// <param name="NebulaBinary">Absolute path of the <c>nebula</c> executable (default <c>/usr/bin/nebula</c>).</param>
/// <param name="StateDir">Keys, applied versions and the status file live here (default <c>/var/lib/nebulagc</c>).</param>
/// <param name="PollWait">How long one long-poll for a new config version may wait on the server (1–60 s, default 30 s).</param>
/// <param name="PollInterval">
/// Pause between polls when the server answers at once with an unchanged version (a server without long-poll),
/// and the retry pause after a failed poll (default 10 s).
/// </param>
public sealed record DaemonSettings(
    IReadOnlyList<Uri> ControlPlaneUrls,
    IReadOnlyList<ClusterSettings> Clusters,
    string NebulaBinary,
    string StateDir,
    TimeSpan PollWait,
    TimeSpan PollInterval)
{
    public const string DefaultConfigPath = "/etc/nebulagc/daemon.json";
    public const string DefaultNebulaBinary = "/usr/bin/nebula";
    public const string DefaultStateDir = "/var/lib/nebulagc";
    public const int DefaultPollWaitSeconds = 30;
    public const int MaxPollWaitSeconds = 60;
    public const double DefaultPollIntervalSeconds = 10;

    /// <summary>Where the daemon publishes its status for <c>nebulagc status</c>.</summary>
    public string StatusFile => Path.Combine(StateDir, "status.json");
}

/// <summary>One cluster this node belongs to. <see cref="ConfigDir"/> holds the applied Nebula configs.</summary>
public sealed record ClusterSettings(
    string Name,
    Guid TenantId,
    Guid ClusterId,
    Guid NodeId,
    string NodeToken,
    string ClusterToken,
    string ConfigDir)
{
    /// <summary>Never log tokens; log this instead: the first 8 hex characters of the token's SHA-256.</summary>
    public string NodeTokenFingerprint => TokenFingerprint.Of(NodeToken);
}
