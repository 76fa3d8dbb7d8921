using System.Diagnostics;
using NebulaGC.Client.Platform;

namespace NebulaGC.Server.Lighthouse;

/// <summary>
/// One supervised <c>nebula</c>: started in its config directory (so relative PKI paths resolve), its output copied into
/// the server log, restarted with exponential backoff when it dies (reset after a stable minute), stopped with SIGTERM
/// and killed if it lingers.
/// </summary>
public sealed class LighthouseProcess(string binary, string directory, string label, TimeProvider time, ILogger logger) : IAsyncDisposable
{
    public static readonly TimeSpan InitialBackoff = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan StableUptime = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stopping = new();
    private Task? _supervision;
    private Process? _current;

    /// <summary>The running process's id, or null between runs.</summary>
    public int? ProcessId => _current is { HasExited: false } p ? p.Id : null;

    public int Starts { get; private set; }

    public void Start() => _supervision ??= Task.Run(SuperviseAsync);

    private async Task SuperviseAsync()
    {
        var backoff = InitialBackoff;
        while (!_stopping.IsCancellationRequested)
        {
            var started = time.GetUtcNow();
            try
            {
                await RunOnceAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Lighthouse {Lighthouse}: starting {Binary} failed", label, binary);
            }
            if (_stopping.IsCancellationRequested)
            {
                break;
            }
            backoff = time.GetUtcNow() - started >= StableUptime ? InitialBackoff : backoff;
            logger.LogWarning("Lighthouse {Lighthouse}: nebula exited; restarting in {Backoff}", label, backoff);
            try
            {
                await Task.Delay(backoff, time, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    private async Task RunOnceAsync()
    {
        var info = new ProcessStartInfo(binary) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-config");
        info.ArgumentList.Add("config.yml");
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Log(e.Data);
        process.ErrorDataReceived += (_, e) => Log(e.Data);
        process.Start();
        _current = process;
        Starts++;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        logger.LogInformation("Lighthouse {Lighthouse}: nebula started (pid {Pid})", label, process.Id);
        try
        {
            await process.WaitForExitAsync(_stopping.Token);
            logger.LogWarning("Lighthouse {Lighthouse}: nebula (pid {Pid}) exited with {ExitCode}", label, process.Id, process.ExitCode);
        }
        catch (OperationCanceledException)
        {
            await StopAsync(process);
        }
        finally
        {
            _current = null;
        }
    }

    private void Log(string? line)
    {
        if (!string.IsNullOrWhiteSpace(line))
        {
            logger.LogInformation("Lighthouse {Lighthouse}: {NebulaOutput}", label, line);
        }
    }

    /// <summary>SIGTERM, then SIGKILL after a grace period.</summary>
    private static async Task StopAsync(Process process)
    {
        if (process.HasExited)
        {
            return;
        }
        Native.Kill(process.Id, Native.SIGTERM);
        using var grace = new CancellationTokenSource(StopGrace);
        try
        {
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_supervision is not null)
        {
            await _supervision;
        }
        _stopping.Dispose();
    }
}
