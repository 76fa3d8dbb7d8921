namespace NebulaGC.PowerShell.Rendering;

/// <summary>How engines talk back to their caller (a cmdlet, a test) without knowing PowerShell.</summary>
public interface IReporter
{
    void Verbose(string message);

    void Warning(string message);

    /// <summary>Asked right before a side effect; false skips it (-WhatIf, a "no" to -Confirm).</summary>
    bool ShouldProcess(string target, string action);

    /// <summary>Progress of a long operation; <paramref name="percent"/> 100 ends it.</summary>
    void Progress(string activity, string status, int percent);
}

/// <summary>A reporter that says yes to everything and keeps what it was told (tests, scripts).</summary>
public sealed class RecordingReporter : IReporter
{
    public List<string> Messages { get; } = [];

    public bool Approve { get; init; } = true;

    public void Verbose(string message) => Messages.Add("VERBOSE: " + message);

    public void Warning(string message) => Messages.Add("WARNING: " + message);

    public bool ShouldProcess(string target, string action)
    {
        Messages.Add($"SHOULDPROCESS: {action} {target}");
        return Approve;
    }

    public void Progress(string activity, string status, int percent) => Messages.Add($"PROGRESS: {activity} {percent}% {status}");
}
