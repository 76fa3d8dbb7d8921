using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace NebulaGC.TestSupport;

/// <summary>
/// A long-running process a test starts (a server, a daemon, nebula, s3rver, litestream…) and always stops: its
/// stdout and stderr are collected for failure messages, and dispose kills it (with its children) if still running.
/// </summary>
public sealed class BackgroundProcess : IDisposable
{
    private readonly StringBuilder _output = new();

    /// <summary>Starts <paramref name="fileName"/>; arguments and environment as for <see cref="ProcessRunner.StartInfo"/>.</summary>
    public BackgroundProcess(string fileName, IEnumerable<string> args, IDictionary<string, string?>? environment = null, string? workingDirectory = null)
        : this(ProcessRunner.StartInfo(fileName, args, workingDirectory, environment))
    {
    }

    /// <summary>Starts a prepared start info (its output must be redirected).</summary>
    public BackgroundProcess(ProcessStartInfo startInfo)
    {
        Process = new Process { StartInfo = startInfo };
        Process.OutputDataReceived += (_, e) => Append(e.Data);
        Process.ErrorDataReceived += (_, e) => Append(e.Data);
        Process.Start();
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    /// <summary>Runs a .NET executable of this repository (<see cref="RepositoryPaths.ServerDll"/>, <see cref="RepositoryPaths.DaemonDll"/>) with <c>dotnet</c>.</summary>
    public static BackgroundProcess Dotnet(string dll, IEnumerable<string> args, IDictionary<string, string?>? environment = null) =>
        new("dotnet", [dll, .. args], environment);

    /// <summary>The running process (its id, exit code…).</summary>
    public Process Process { get; }

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => Process.HasExited;

    /// <summary>Everything written so far to stdout and stderr, interleaved by line.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>True when a line written so far contains <paramref name="text"/>.</summary>
    public bool Logged(string text) => Output.Contains(text, StringComparison.Ordinal);

    /// <summary>Waits until something accepts TCP connections on 127.0.0.1:<paramref name="port"/>; fails with the output if the process exits first.</summary>
    public void WaitForPort(int port, TimeSpan timeout) =>
        Wait.Until(() =>
        {
            if (HasExited)
            {
                Assert.Fail($"{ProcessRunner.Describe(Process.StartInfo)} exited with {Process.ExitCode} before listening on {port}:\n{Output}");
            }
            try
            {
                using var client = new TcpClient();
                client.Connect("127.0.0.1", port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, timeout, () => $"nothing listens on 127.0.0.1:{port}:\n{Output}");

    /// <summary>SIGTERM, as systemd stops a unit; waits up to <paramref name="grace"/> (default 20 s) for the exit, then kills.</summary>
    public void Terminate(TimeSpan? grace = null) => Signal("TERM", grace ?? TimeSpan.FromSeconds(20));

    /// <summary>Sends SIGHUP (nebula re-reads its config in place).</summary>
    public void Reload()
    {
        var result = ProcessRunner.Run("kill", ["-HUP", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], timeout: TimeSpan.FromSeconds(5));
        Assert.True(result.ExitCode == 0, $"kill -HUP {Process.Id}: {result.Describe()}");
    }

    /// <summary>Kills the process (and its children) if it is still running, and waits for it.</summary>
    public void Kill()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }
            Process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>Kills the process if still running and releases it.</summary>
    public void Dispose()
    {
        Kill();
        Process.Dispose();
    }

    private void Signal(string signal, TimeSpan grace)
    {
        if (!Process.HasExited)
        {
            ProcessRunner.Run("kill", [$"-{signal}", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], timeout: TimeSpan.FromSeconds(5));
            if (!Process.WaitForExit(grace))
            {
                Process.Kill(entireProcessTree: true);
            }
        }
        Process.WaitForExit();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
