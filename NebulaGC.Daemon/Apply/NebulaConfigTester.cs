using System.Diagnostics;

namespace NebulaGC.Daemon.Apply;

/// <summary>
/// Runs <c>nebula -test -config config.yml</c> in a staged directory. The working directory is the staged
/// directory because the bundle names its PKI files relative to it (SPEC §2).
/// </summary>
public sealed class NebulaConfigTester(string nebulaBinary, TimeSpan timeout)
{
    /// <summary>Output kept for the status and the log when the test fails.</summary>
    private const int MaxReportedChars = 600;

    /// <exception cref="BundleRejectedException">nebula rejects the config, cannot be started, or does not finish in time.</exception>
    public async Task TestAsync(string configDir, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(nebulaBinary)
        {
            WorkingDirectory = configDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-test");
        start.ArgumentList.Add("-config");
        start.ArgumentList.Add(Path.Combine(configDir, "config.yml"));

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            throw new BundleRejectedException($"cannot run '{nebulaBinary} -test': {e.Message}", e);
        }
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new BundleRejectedException($"'nebula -test' did not finish within {timeout.TotalSeconds:0} s");
        }
        string output = ((await stderr) + (await stdout)).Trim();
        if (process.ExitCode != 0)
        {
            string tail = output.Length > MaxReportedChars ? "…" + output[^MaxReportedChars..] : output;
            throw new BundleRejectedException($"'nebula -test' rejected the config (exit code {process.ExitCode}): {tail}");
        }
    }
}
