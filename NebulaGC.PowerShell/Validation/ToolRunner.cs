using System.Diagnostics;
using NebulaGC.PowerShell.Rendering;

namespace NebulaGC.PowerShell.Validation;

/// <summary>Runs the real validators (systemd-analyze, kubectl, haproxy, nginx, promtool, docker-compose).</summary>
public sealed class ToolRunner(TimeSpan? timeout = null)
{
    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromMinutes(2);

    /// <summary>The executable's full path, or null when it is not installed (PATH, then /usr/sbin and /sbin).</summary>
    public static string? Find(string name)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "") + ":/usr/sbin:/sbin:/usr/local/sbin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => System.IO.Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }

    public (int ExitCode, string Output, string Error) Run(string executable, IEnumerable<string> args, string workingDir, CancellationToken cancel)
    {
        var psi = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDir,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi)
            ?? throw new NebulaGCException(ErrorIds.ValidatorNotInstalled, $"could not start {executable}", executable);
        var stdout = process.StandardOutput.ReadToEndAsync(cancel);
        var stderr = process.StandardError.ReadToEndAsync(cancel);
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeoutCts.CancelAfter(_timeout);
        try
        {
            process.WaitForExitAsync(timeoutCts.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancel.ThrowIfCancellationRequested();
            return (-1, "", $"{System.IO.Path.GetFileName(executable)} did not finish within {_timeout.TotalSeconds:0} s");
        }
        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }
}
