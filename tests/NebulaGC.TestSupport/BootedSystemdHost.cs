using System.Diagnostics;
using System.Text;

namespace NebulaGC.TestSupport;

/// <summary>What to bring into a booted host and how to network it.</summary>
/// <param name="ReadOnlyBinds">Host path → path inside (read-only bind mounts: binaries, the .NET SDK, the checkout's out/).</param>
/// <param name="PrivateNetwork">Its own network namespace with only <c>lo</c> (and CAP_NET_ADMIN inside, so tun devices work):
/// ports inside never collide with the machine's or another test's.</param>
public sealed record BootOptions(IReadOnlyDictionary<string, string> ReadOnlyBinds, bool PrivateNetwork = true);

/// <summary>The outcome of one command run inside the host.</summary>
public sealed record HostCommandResult(string Command, int ExitCode, string StdOut, string StdErr)
{
    public override string ToString() => $"'{Command}' exited {ExitCode}\nstdout:\n{StdOut}\nstderr:\n{StdErr}";
}

/// <summary>
/// A real booted systemd: Debian 12 (systemd 252) in <c>systemd-nspawn -b</c> over the cached debootstrapped root
/// (<see cref="CachedRoot"/>, built by <c>build.ps1 Test</c>: build/SystemdHost.ps1). The root is mounted read-only under a tmpfs overlay
/// (<c>--volatile=overlay</c>), so every boot starts from the pristine cache and nothing is copied. PID 1 here is not
/// systemd, so this is the only place a test can see a unit really start. Boot one per test class and run many tests in it.
/// </summary>
public sealed class BootedSystemdHost : IAsyncDisposable
{
    /// <summary>The cached root; <c>NEBULAGC_TEST_SYSTEMD_ROOT</c> overrides it.</summary>
    public static string CachedRoot =>
        Environment.GetEnvironmentVariable("NEBULAGC_TEST_SYSTEMD_ROOT") is { Length: > 0 } root ? root : "/var/cache/nebulagc-tests/bookworm-root";

    private const string InsidePath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private readonly Process _nspawn;
    private readonly StringBuilder _console = new();

    private BootedSystemdHost(Process nspawn, string machineName)
    {
        _nspawn = nspawn;
        MachineName = machineName;
    }

    /// <summary>The machine (and host) name inside, unique per boot.</summary>
    public string MachineName { get; }

    /// <summary>PID (in the machine's namespace) of the host's PID 1, systemd; commands enter its namespaces.</summary>
    public int LeaderPid { get; private set; }

    /// <summary>How long the boot took until <c>systemctl is-system-running</c> settled.</summary>
    public TimeSpan BootTime { get; private set; }

    /// <summary>What systemd-nspawn printed (the container's console is passive: only nspawn's own messages).</summary>
    public string Console
    {
        get
        {
            lock (_console)
            {
                return _console.ToString();
            }
        }
    }

    /// <summary>A path inside the host as seen from the machine (through <c>/proc/PID/root</c>), to read files directly.</summary>
    public string HostPath(string pathInside) => $"/proc/{LeaderPid}/root{pathInside}";

    /// <summary>Boots a copy of <see cref="CachedRoot"/> and waits until systemd reports the system running (or degraded).</summary>
    public static async Task<BootedSystemdHost> BootAsync(BootOptions options, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Path.Combine(CachedRoot, "usr/lib/systemd/systemd")))
        {
            throw new InvalidOperationException($"no debootstrapped root at '{CachedRoot}': run 'dotnet pwsh ./build.ps1 Test' once as root to build it");
        }
        var started = Stopwatch.StartNew();
        var machineName = $"ngc-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
        var psi = new ProcessStartInfo("systemd-nspawn")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("--register=no");
        psi.ArgumentList.Add("--keep-unit");
        psi.ArgumentList.Add("--boot");
        psi.ArgumentList.Add("--volatile=overlay");
        psi.ArgumentList.Add("--console=passive");
        psi.ArgumentList.Add($"--machine={machineName}");
        psi.ArgumentList.Add($"--directory={CachedRoot}");
        if (options.PrivateNetwork)
        {
            psi.ArgumentList.Add("--private-network");
        }
        foreach (var (source, target) in options.ReadOnlyBinds)
        {
            psi.ArgumentList.Add($"--bind-ro={source}:{target}");
        }
        var nspawn = Process.Start(psi) ?? throw new InvalidOperationException("systemd-nspawn did not start");
        var host = new BootedSystemdHost(nspawn, machineName);
        nspawn.OutputDataReceived += (_, e) => host.AppendConsole(e.Data);
        nspawn.ErrorDataReceived += (_, e) => host.AppendConsole(e.Data);
        nspawn.BeginOutputReadLine();
        nspawn.BeginErrorReadLine();
        try
        {
            host.LeaderPid = await host.WaitForLeaderAsync(cancellationToken);
            HostCommandResult? state = null;
            try
            {
                await host.WaitUntilAsync(async () =>
                {
                    state = await host.RunAsync("systemctl is-system-running", TimeSpan.FromSeconds(30));
                    return state.StdOut.Trim() is "running" or "degraded";
                }, TimeSpan.FromSeconds(90), "systemd inside the host to finish booting");
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException($"{e.Message}; last answer: {state}\nnspawn:\n{host.Console}", e);
            }
            host.BootTime = started.Elapsed;
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>The container's PID 1 is the child of systemd-nspawn that runs systemd.</summary>
    private async Task<int> WaitForLeaderAsync(CancellationToken cancellationToken)
    {
        var nspawn = _nspawn;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (nspawn.HasExited)
            {
                nspawn.WaitForExit(); // drains its output into the console log
                throw new InvalidOperationException($"systemd-nspawn exited with {nspawn.ExitCode} before booting:\n{Console}");
            }
            // nspawn first forks a helper that sets the container up and exits; the leader is the child that became systemd.
            var children = $"/proc/{nspawn.Id}/task/{nspawn.Id}/children";
            if (File.Exists(children) && File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var pid, ..]
                && ReadComm(pid) == "systemd")
            {
                return int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture);
            }
            await Task.Delay(50, cancellationToken);
        }
        throw new TimeoutException("systemd-nspawn started no container within 30 s");
    }

    private static string? ReadComm(string pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Runs <paramref name="script"/> with bash inside the host as root (all its namespaces, a clean environment).</summary>
    public async Task<HostCommandResult> RunAsync(string script, TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("nsenter")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-t", LeaderPid.ToString(System.Globalization.CultureInfo.InvariantCulture), "-a", "env", "-i", $"PATH={InsidePath}", "HOME=/root", "LANG=C.UTF-8", "TERM=dumb" })
        {
            psi.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            psi.ArgumentList.Add($"{name}={value}");
        }
        psi.ArgumentList.Add("bash");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("nsenter did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{script}' inside {MachineName} did not finish within {(timeout ?? TimeSpan.FromMinutes(2)).TotalSeconds} s\nstdout so far:\n{await stdout}\nstderr:\n{await stderr}");
        }
        return new HostCommandResult(script, process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs <paramref name="script"/> and fails with its output unless it exits 0; returns stdout.</summary>
    public async Task<string> RunCheckedAsync(string script, TimeSpan? timeout = null)
    {
        var result = await RunAsync(script, timeout);
        return result.ExitCode == 0 ? result.StdOut : throw new InvalidOperationException($"inside {MachineName}: {result}");
    }

    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds; throws naming <paramref name="what"/> at the deadline.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (_nspawn.HasExited)
            {
                _nspawn.WaitForExit(); // drains its output into the console log
                throw new InvalidOperationException($"the host {MachineName} went away while waiting for {what}:\n{Console}");
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds} s waiting for {what} in {MachineName}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Stops the host: SIGTERM makes nspawn power the container off; SIGKILL if that takes longer than 15 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_nspawn.HasExited)
        {
            ProcessRunner.Run("kill", ["-s", "TERM", _nspawn.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _nspawn.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _nspawn.Kill(entireProcessTree: true);
                await _nspawn.WaitForExitAsync();
            }
        }
        _nspawn.Dispose();
    }

    private void AppendConsole(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_console)
        {
            _console.AppendLine(line);
        }
    }
}
