using System.CommandLine;
using System.Text;
using System.Text.Json.Serialization;
using NebulaGC.Daemon.Configuration;
using NebulaGC.Daemon.Status;

namespace NebulaGC.Daemon.Cli;

/// <summary><c>nebulagc status [--output table|json]</c>: what the running daemon last published in <c>state_dir/status.json</c>.</summary>
public static class StatusCommand
{
    /// <summary>Exit code when the daemon is not running (as <c>systemctl status</c> does for an inactive unit).</summary>
    public const int NotRunningExitCode = 3;

    public static Command Create(Option<string> configOption)
    {
        var output = new Option<string>("--output") { Description = "Output format.", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json");
        var command = new Command("status", "Show the daemon's state per cluster: applied version, nebula, control plane, last problem.")
        {
            configOption,
            output,
        };
        command.SetAction(parse =>
        {
            var settings = DaemonConfigLoader.Load(parse.GetValue(configOption)!);
            if (!File.Exists(settings.StatusFile))
            {
                Console.Error.WriteLine($"no status at '{settings.StatusFile}': the daemon has not run with this config (start it: systemctl start nebulagc)");
                return NotRunningExitCode;
            }
            var status = StatusFile.Read(settings.StatusFile);
            bool running = IsDaemonRunning(status.Pid);
            Console.Out.Write(parse.GetValue(output) == "json"
                ? System.Text.Json.JsonSerializer.Serialize(new StatusReport(running, status), StatusReportJsonContext.Default.StatusReport) + "\n"
                : FormatTable(status, running));
            return running ? 0 : NotRunningExitCode;
        });
        return command;
    }

    private static bool IsDaemonRunning(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("nebulagc", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string FormatTable(DaemonStatus status, bool running)
    {
        var text = new StringBuilder();
        text.AppendLine(running
            ? $"daemon: running (pid {status.Pid}, nebulagc {status.Version}, since {status.StartedAt:u}, status of {status.UpdatedAt:u})"
            : $"daemon: NOT running (last status from pid {status.Pid} at {status.UpdatedAt:u})");
        text.AppendLine($"{"CLUSTER",-16} {"APPLIED",-8} {"LATEST",-8} {"NEBULA",-20} {"PID",-8} CONTROL PLANE");
        foreach (var c in status.Clusters)
        {
            string nebula = c.Nebula.Adopted ? $"{c.Nebula.State} (adopted)" : c.Nebula.State;
            text.AppendLine($"{c.Name,-16} {"v" + c.AppliedVersion,-8} {(c.LatestVersion is { } l ? "v" + l : "?"),-8} {nebula,-20} {c.Nebula.Pid?.ToString() ?? "-",-8} {c.ControlPlaneUrl}");
            if (c.ApplyingVersion is { } applying)
            {
                text.AppendLine($"  applying version {applying}: nebula restarted on it and on probation");
            }
            if (c.LastError is not null)
            {
                text.AppendLine($"  problem: {c.LastError}");
            }
            if (c.LastRejection is { } r)
            {
                text.AppendLine($"  version {r.Version} rejected{(r.RolledBack ? " and rolled back" : "")} at {r.At:u}: {r.Reason}");
            }
            if (c.Nebula.LastExitAt is { } exitAt)
            {
                text.AppendLine($"  nebula restarts: {c.Nebula.Restarts}, last exit {exitAt:u}{(c.Nebula.LastExitCode is { } code ? $" with code {code}" : "")}");
            }
        }
        return text.ToString();
    }
}

public sealed record StatusReport(bool DaemonRunning, DaemonStatus Status);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(StatusReport))]
internal sealed partial class StatusReportJsonContext : JsonSerializerContext;
