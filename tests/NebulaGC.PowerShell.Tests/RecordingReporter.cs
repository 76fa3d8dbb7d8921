namespace NebulaGC.PowerShell.Tests;

/// <summary>A reporter that keeps what it was told and answers ShouldProcess with <see cref="Approve"/>.</summary>
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
