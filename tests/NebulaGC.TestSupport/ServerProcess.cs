using System.Diagnostics;

namespace NebulaGC.TestSupport;

/// <summary>
/// Runs the real <c>nebulagc-server</c> executable (<see cref="RepositoryPaths.ServerDll"/>), as an operator would.
/// Variables named <c>NEBULAGC_*</c> in the test's own environment are removed, so only what a test passes applies.
/// A test project that uses this references NebulaGC.Server with <c>ReferenceOutputAssembly="false"</c> to have it built.
/// </summary>
public static class ServerProcess
{
    /// <summary>How long <c>serve</c> may take to answer <c>/v1/readyz</c>.</summary>
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The start info for <c>dotnet nebulagc-server.dll args…</c> with <paramref name="environment"/> on a clean NEBULAGC_* slate.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IDictionary<string, string?>? environment = null)
    {
        var info = ProcessRunner.StartInfo("dotnet", [RepositoryPaths.ServerDll, .. args]);
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

    /// <summary>Runs a command (<c>migrate</c>, <c>tenant create</c>…) to completion.</summary>
    public static Task<ProcessResult> RunAsync(IEnumerable<string> args, IDictionary<string, string?>? environment = null) =>
        ProcessRunner.RunAsync(StartInfo(args, environment), TimeSpan.FromSeconds(60));

    /// <summary>The blocking form of <see cref="RunAsync"/>, for synchronous fixtures.</summary>
    public static ProcessResult Run(IEnumerable<string> args, IDictionary<string, string?>? environment = null) =>
        ProcessRunner.Run(StartInfo(args, environment), TimeSpan.FromSeconds(60));

    /// <summary>
    /// Starts <c>serve</c> and waits until <c>{baseUrl}/v1/readyz</c> answers 200; fails with the server's output if it
    /// exits first or is not ready within <see cref="ReadyTimeout"/>. Dispose the result to stop it.
    /// </summary>
    public static async Task<BackgroundProcess> StartServeAsync(IEnumerable<string> args, IDictionary<string, string?> environment, string baseUrl)
    {
        var server = new BackgroundProcess(StartInfo(args, environment));
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            await Wait.UntilAsync(async () =>
            {
                if (server.HasExited)
                {
                    Assert.Fail($"nebulagc-server exited with {server.Process.ExitCode} before becoming ready:\n{server.Output}");
                }
                try
                {
                    using var response = await client.GetAsync($"{baseUrl}/v1/readyz");
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
                catch (TaskCanceledException)
                {
                    return false;
                }
            }, ReadyTimeout, () => $"nebulagc-server did not become ready at {baseUrl}:\n{server.Output}");
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }
}
