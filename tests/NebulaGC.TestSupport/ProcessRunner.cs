using System.Diagnostics;
using System.Text;

namespace NebulaGC.TestSupport;

/// <summary>What a finished process left: its exit code and everything it wrote.</summary>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Exit code and both streams, for assertion messages.</summary>
    public string Describe() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";

    /// <inheritdoc cref="Describe"/>
    public override string ToString() => Describe();
}

/// <summary>
/// Runs a program to completion with its output captured: the real tools (nebula-cert, ip, pwsh, haproxy…) and the
/// real executables under test. A process that outlives its timeout is killed with its children and fails the test.
/// </summary>
public static class ProcessRunner
{
    /// <summary>How long a run may take when the caller gives no timeout.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Starts <paramref name="fileName"/> (a path or a name on PATH) with <paramref name="args"/> passed one by one (no
    /// shell), in <paramref name="workingDirectory"/> (default: the current one), with <paramref name="environment"/>
    /// added to this process's environment (a null value removes a variable).
    /// </summary>
    public static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> args, string? workingDirectory = null,
        IDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }
        return info;
    }

    /// <summary>Runs <paramref name="fileName"/> to completion and returns its exit code and output (see <see cref="StartInfo"/>).</summary>
    public static ProcessResult Run(string fileName, IEnumerable<string> args, string? workingDirectory = null,
        IDictionary<string, string?>? environment = null, TimeSpan? timeout = null) =>
        Run(StartInfo(fileName, args, workingDirectory, environment), timeout);

    /// <summary>Runs a prepared start info to completion (its output must be redirected).</summary>
    public static ProcessResult Run(ProcessStartInfo startInfo, TimeSpan? timeout = null)
    {
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var limit = timeout ?? DefaultTimeout;
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Describe(startInfo)} did not finish within {limit.TotalSeconds} s");
        }
        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The asynchronous form of <see cref="Run(string, IEnumerable{string}, string?, IDictionary{string, string?}?, TimeSpan?)"/>.</summary>
    public static Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> args, string? workingDirectory = null,
        IDictionary<string, string?>? environment = null, TimeSpan? timeout = null) =>
        RunAsync(StartInfo(fileName, args, workingDirectory, environment), timeout);

    /// <summary>Runs a prepared start info to completion without blocking a thread (its output must be redirected).</summary>
    public static async Task<ProcessResult> RunAsync(ProcessStartInfo startInfo, TimeSpan? timeout = null)
    {
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var limit = timeout ?? DefaultTimeout;
        using var cancel = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Describe(startInfo)} did not finish within {limit.TotalSeconds} s");
        }
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// The full path of an installed program, looked up on PATH and in /usr/sbin and /sbin (where haproxy, nginx and ip
    /// live). A missing tool fails the test with a hint, never skips it: build.ps1 Test installs the prerequisites.
    /// </summary>
    public static string Find(string name)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "") + ":/usr/sbin:/sbin";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException(
            $"'{name}' is not installed: build.ps1 Test installs the test prerequisites (build/Prerequisites.ps1, build/ToolkitPrerequisites.ps1)");
    }

    internal static string Describe(ProcessStartInfo startInfo) =>
        new StringBuilder(startInfo.FileName).Append(' ').AppendJoin(' ', startInfo.ArgumentList).ToString();
}
