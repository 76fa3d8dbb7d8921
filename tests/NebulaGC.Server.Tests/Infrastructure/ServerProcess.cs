using System.Diagnostics;

namespace NebulaGC.Server.Tests.Infrastructure;

/// <summary>Runs the real <c>nebulagc-server</c> executable, as an operator would.</summary>
public static class ServerProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static string ServerDll
    {
        get
        {
            // The test binaries live in tests/NebulaGC.Server.Tests/bin/<Configuration>/net10.0/.
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            return RepositoryPaths.Combine("NebulaGC.Server", "bin", configuration, "net10.0", "nebulagc-server.dll");
        }
    }

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(ServerDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("NEBULAGC_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[name] = value;
        }
        return info;
    }

    public static async Task<Result> RunAsync(IEnumerable<string> args, IDictionary<string, string?>? environment = null)
    {
        using var process = Process.Start(StartInfo(args, environment))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts <c>serve</c> and waits until <c>/v1/readyz</c> answers 200.</summary>
    public static async Task<Process> StartServeAsync(IEnumerable<string> args, IDictionary<string, string?> environment, string baseUrl)
    {
        var process = Process.Start(StartInfo(args, environment))!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nebulagc-server exited with {process.ExitCode} before becoming ready");
            }
            try
            {
                using var response = await client.GetAsync($"{baseUrl}/v1/readyz");
                if (response.IsSuccessStatusCode)
                {
                    return process;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or too slow to answer on a loaded machine: ask again until the deadline.
            }
            if (DateTime.UtcNow > deadline)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("nebulagc-server did not become ready within 30 s");
            }
            await Task.Delay(100);
        }
    }
}
