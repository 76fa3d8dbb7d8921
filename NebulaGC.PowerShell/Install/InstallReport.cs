namespace NebulaGC.PowerShell.Install;

/// <summary>What an install or uninstall ended with.</summary>
public enum InstallOutcome
{
    /// <summary>Nothing was installed before; now it is.</summary>
    Installed,

    /// <summary>A different version replaced the installed one and serves.</summary>
    Upgraded,

    /// <summary>Settings changed (unit, environment); the version stayed.</summary>
    Reconfigured,

    /// <summary>Everything already matched: nothing changed, nothing restarted.</summary>
    Unchanged,

    /// <summary>The new version did not become ready; the previous one was restored and serves again.</summary>
    RolledBack,

    /// <summary>-WhatIf (or -Confirm answered no): the plan was shown, nothing changed.</summary>
    NotApplied,

    /// <summary>Staged under -Root, or -NoStart: files in place, no service started.</summary>
    Staged,

    /// <summary>Uninstalled.</summary>
    Removed,
}

/// <summary>The typed result of Install-/Uninstall-NebulaGCServer and -Daemon: the executed plan and the state it left.</summary>
public sealed class InstallReport
{
    /// <summary>Server or Daemon.</summary>
    public required string Component { get; init; }

    /// <summary>The systemd unit (e.g. nebulagc-server.service).</summary>
    public required string Unit { get; init; }

    /// <summary>Version linked before the run; null when none was installed.</summary>
    public string? VersionBefore { get; init; }

    /// <summary>Version linked (and, unless staged, serving) after the run.</summary>
    public string? VersionAfter { get; set; }

    public InstallOutcome Outcome { get; set; }

    /// <summary>Every step of the plan, in order, with what it did.</summary>
    public required IReadOnlyList<InstallStep> Steps { get; init; }

    /// <summary>systemd's ActiveState after the run (empty when staged).</summary>
    public string UnitState { get; set; } = "";

    /// <summary>The unit's main PID after the run (0 when not running).</summary>
    public int MainPid { get; set; }

    /// <summary>Where the server answers (server installs).</summary>
    public string? Url { get; init; }

    /// <summary>Why a rollback happened, with the journal's last lines.</summary>
    public string? FailureReason { get; set; }

    /// <summary>Bootstrap credentials when -Bootstrap was given (also in the 0600 file they came from).</summary>
    public BootstrapCredentials? Credentials { get; set; }

    public TimeSpan Duration { get; set; }

    /// <summary>The names of the steps that changed something.</summary>
    public IReadOnlyList<string> ChangedSteps => Steps.Where(s => s.Result == StepResult.Changed).Select(s => s.Name).ToList();
}

/// <summary>
/// The first tenant, cluster and admin node, as -Bootstrap created them. Tokens are secrets: they are written only to
/// <see cref="Path"/> (0600) and returned here, never logged; the default view shows ids and the path only.
/// </summary>
public sealed class BootstrapCredentials
{
    public required string TenantId { get; init; }

    public required string ClusterId { get; init; }

    public required string NodeId { get; init; }

    public required string NodeToken { get; init; }

    public required string ClusterToken { get; init; }

    /// <summary>The server URL the credentials are for.</summary>
    public required string Url { get; init; }

    /// <summary>The 0600 JSON file holding them.</summary>
    public required string Path { get; init; }
}
