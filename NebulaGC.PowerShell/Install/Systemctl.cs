using System.Diagnostics;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Install;

/// <summary>The outcome of one external command.</summary>
public sealed record CommandOutput(int ExitCode, string StdOut, string StdErr)
{
    public string Message => (StdErr.Trim() is { Length: > 0 } err ? err : StdOut.Trim());
}

/// <summary>Runs external commands (systemctl, journalctl, the installed binaries) and waits for them.</summary>
public static class CommandRunner
{
    public static CommandOutput Run(string fileName, IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start '{fileName}'");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{fileName} {string.Join(' ', args)}' did not finish within {timeout.TotalSeconds:N0} s");
        }
        return new CommandOutput(process.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>The service manager of the host the install runs on.</summary>
public interface IServiceManager
{
    void DaemonReload();

    bool IsEnabled(string unit);

    void Enable(string unit);

    void Disable(string unit);

    /// <summary>systemd's ActiveState: active, inactive, failed, activating, deactivating.</summary>
    string ActiveState(string unit);

    /// <summary>The main process, or 0 when the unit runs none.</summary>
    int MainPid(string unit);

    /// <summary>Starts the unit and, for Type=notify, waits until it sent READY=1; throws <see cref="ErrorIds.SystemctlFailed"/> when it did not.</summary>
    void Start(string unit);

    void Restart(string unit);

    void Stop(string unit);

    /// <summary>Signals every process left in the unit's cgroup (the daemon's nebula outlives it by design: KillMode=process).</summary>
    void KillRemaining(string unit);

    /// <summary>The unit's last <paramref name="lines"/> journal lines, for error messages.</summary>
    string Journal(string unit, int lines);
}

/// <summary><see cref="IServiceManager"/> over <c>systemctl</c> and <c>journalctl</c>.</summary>
public sealed class Systemctl : IServiceManager
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public void DaemonReload() => Checked("daemon-reload");

    public bool IsEnabled(string unit) => Query("is-enabled", unit).Trim() == "enabled";

    public void Enable(string unit) => Checked("enable", unit);

    public void Disable(string unit) => Checked("disable", unit);

    public string ActiveState(string unit) => Query("show", "--property=ActiveState", "--value", unit).Trim();

    public int MainPid(string unit) => int.TryParse(Query("show", "--property=MainPID", "--value", unit).Trim(), out var pid) ? pid : 0;

    public void Start(string unit) => Checked("start", unit);

    public void Restart(string unit) => Checked("restart", unit);

    public void Stop(string unit) => Checked("stop", unit);

    public void KillRemaining(string unit) => Query("kill", "--kill-whom=all", "--signal=SIGTERM", unit);

    public string Journal(string unit, int lines) =>
        CommandRunner.Run("journalctl", ["--unit", unit, "--lines", lines.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-pager", "--output", "short-iso"], Timeout).StdOut;

    private static string Query(params string[] args) => CommandRunner.Run("systemctl", args, Timeout).StdOut;

    private static void Checked(params string[] args)
    {
        var result = CommandRunner.Run("systemctl", args, Timeout);
        if (result.ExitCode != 0)
        {
            throw new NebulaGCException(ErrorIds.SystemctlFailed, $"'systemctl {string.Join(' ', args)}' failed (exit code {result.ExitCode}): {result.Message}", args.LastOrDefault());
        }
    }
}
